import ConnectorKit

/// `GET /api/v1/users`.
struct AhaUsersPage: PageNumberedResponse {
    var users: [AhaUser]
    var pagination: PageNumberPagination
}

/// The fields of an Aha! user that the snapshot keeps.
struct AhaUser: Decodable, Sendable {
    var id: LenientString
    var name: String?
    var email: String?
    var enabled: Bool?
    var administrator: Bool?
    var paidSeat: Bool?
    var accessedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, email, enabled, administrator, paidSeat = "paid_seat", accessedAt = "accessed_at"
    }
}

/// `GET /api/v1/teams`.
struct AhaTeamsPage: PageNumberedResponse {
    var teams: [AhaTeam]
    var pagination: PageNumberPagination
}

/// An Aha! team; `team_members` is there only when asked for, as an object or an array.
struct AhaTeam: Decodable, Sendable {
    var id: LenientString
    var name: String?
    var teamMembers: OneOrMany<AhaTeamMember>?

    enum CodingKeys: String, CodingKey {
        case id, name, teamMembers = "team_members"
    }
}

/// A person on a team. `id` is the team-member id, not the user id.
struct AhaTeamMember: Decodable, Sendable {
    var userID: LenientString?
    var isVirtual: Bool?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", isVirtual = "virtual"
    }

    /// The Aha! user behind this member, or `nil` for a virtual user.
    var accountUserID: String? {
        guard isVirtual != true, let id = userID?.value, !id.isEmpty else { return nil }
        return id
    }
}

/// `GET /api/v1/teams/:id/team_memberships`.
struct AhaTeamMembershipsPage: PageNumberedResponse {
    struct Membership: Decodable, Sendable {
        var teamMember: AhaTeamMember
        enum CodingKeys: String, CodingKey { case teamMember = "team_member" }
    }
    var teamMemberships: [Membership]
    var pagination: PageNumberPagination
    enum CodingKeys: String, CodingKey { case teamMemberships = "team_memberships", pagination }
}
