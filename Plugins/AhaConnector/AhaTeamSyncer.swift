import ConnectorKit

/// Aha! teams, each with one `member` entitlement granted to its non-virtual members.
///
/// Members arrive with the team list (`fields=…,team_members`) and wait in a
/// ``Stash`` until the host asks for the team's grants, so memberships cost no
/// extra request; a team listed without `team_members` falls back to its
/// `team_memberships` endpoint.
struct AhaTeamSyncer: ResourceSyncer {
    static let resourceType = ResourceType(id: "team", displayName: "Team", traits: [.group])

    let client: HTTPClient
    let teams: PageNumberListing<AhaTeamsPage>
    let members = Stash<[String]>()
    var resourceType: ResourceType { Self.resourceType }

    init(client: HTTPClient) {
        self.client = client
        teams = PageNumberListing(client: client, path: "/api/v1/teams", query: [("fields", "id,name,team_members")],
                                  pageSize: 200)
    }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        let (page, next) = try await teams.response(request.page)
        for team in page.teams where team.teamMembers != nil {
            await members.put(team.teamMembers?.elements.compactMap(\.accountUserID) ?? [], for: team.id.value)
        }
        return Page(page.teams.map { Resource(type: "team", id: $0.id.value, displayName: $0.name ?? $0.id.value) }, next: next)
    }

    func entitlements(_ request: EntitlementsRequest) async throws -> Page<Entitlement> {
        Page([Self.member(of: request.resource)])
    }

    func grants(_ request: GrantsRequest) async throws -> Page<Grant> {
        let entitlement = Self.member(of: request.resource)
        if request.page == nil, let userIDs = await members.take(request.resource.id) {
            return Page(Self.grants(entitlement, userIDs))
        }
        let memberships = PageNumberListing<AhaTeamMembershipsPage>(
            client: client, path: "/api/v1/teams/\(request.resource.id)/team_memberships", pageSize: 200, prefetch: false)
        return try await memberships.page(request.page) {
            Self.grants(entitlement, $0.teamMemberships.compactMap(\.teamMember.accountUserID))
        }
    }

    static func member(of team: Resource) -> Entitlement {
        Entitlement(resource: team.reference, slug: "member", displayName: "\(team.displayName) Member")
    }

    /// One grant per user, in first-seen order; a user listed twice is granted once.
    static func grants(_ entitlement: Entitlement, _ userIDs: [String]) -> [Grant] {
        var seen = Set<String>()
        return userIDs.filter { seen.insert($0).inserted }
            .map { Grant(entitlement: entitlement, principal: ResourceReference(type: "user", id: $0)) }
    }
}
