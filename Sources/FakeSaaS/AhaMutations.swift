/// `POST /_fake/mutate` on the Aha! tenant: users added, removed, disabled or enabled,
/// and team memberships moved, added or removed.
extension AhaDataset {
    /// When mutated records say they were created or updated.
    static let mutationTime = "2026-06-01T12:00:00.000Z"

    /// Applies `mutations` in order; returns the ids of added users. Throws on the first
    /// one that names an unknown user or team or repeats a membership; the caller then
    /// keeps the dataset it had.
    mutating func apply(_ mutations: [Mutation]) throws(Mutation.Failure) -> [String] {
        var added: [String] = []
        for mutation in mutations {
            switch mutation {
            case .addUser(let id, let name, let email, _):
                let newID = id ?? unusedID(below: 99_999_999) { id in users.contains { $0.id == id } }
                guard !users.contains(where: { $0.id == newID }) else { throw Mutation.Failure(message: "user \(newID) exists") }
                users.append(User(id: newID, name: name, email: email, createdAt: Self.mutationTime, updatedAt: Self.mutationTime,
                                  accessedAt: nil, enabled: true, paidSeat: false, administrator: false, administerAccount: false,
                                  administerBilling: false, administerConfiguration: false, productRoles: [], userRoles: [],
                                  identityProvider: "AHA", paidSeatGroup: nil))
                added.append(newID)
            case .removeUser(let id):
                let index = try userIndex(id)
                users.remove(at: index)
                for t in teams.indices { teams[t].memberships.removeAll { $0.member.userID == id } }
            case .disableUser(let id):
                users[try userIndex(id)].enabled = false
            case .enableUser(let id):
                users[try userIndex(id)].enabled = true
            case .moveMember(let user, let from, let to):
                try removeMember(user, from: from)
                try addMember(user, to: to)
            case .addMember(let user, let team):
                try addMember(user, to: team)
            case .removeMember(let user, let team):
                try removeMember(user, from: team)
            case .setRoles:
                throw Mutation.Failure(message: "set_roles applies to the codefresh tenant only")
            }
        }
        return added
    }

    private func userIndex(_ id: String) throws(Mutation.Failure) -> Int {
        guard let index = users.firstIndex(where: { $0.id == id }) else { throw Mutation.Failure(message: "no user \(id)") }
        return index
    }

    private func teamIndex(_ id: String) throws(Mutation.Failure) -> Int {
        guard let index = teams.firstIndex(where: { $0.id == id }) else { throw Mutation.Failure(message: "no team \(id)") }
        return index
    }

    private mutating func removeMember(_ user: String, from team: String) throws(Mutation.Failure) {
        let t = try teamIndex(team)
        guard let m = teams[t].memberships.firstIndex(where: { $0.member.userID == user }) else {
            throw Mutation.Failure(message: "user \(user) is not a member of team \(team)")
        }
        teams[t].memberships.remove(at: m)
    }

    /// A membership with a fresh id; the person keeps the team-member id they have on other
    /// teams, as on the real service.
    private mutating func addMember(_ user: String, to team: String) throws(Mutation.Failure) {
        let u = users[try userIndex(user)]
        let t = try teamIndex(team)
        guard !teams[t].memberships.contains(where: { $0.member.userID == user }) else {
            throw Mutation.Failure(message: "user \(user) is already a member of team \(team)")
        }
        let allMembers = teams.flatMap(\.memberships).map(\.member)
        let memberID = allMembers.first { $0.userID == user }?.id
            ?? unusedID(below: 999_999_999) { id in allMembers.contains { $0.id == id } }
        let membershipIDs = Set(teams.flatMap(\.memberships).map(\.id))
        let membershipID = unusedID(below: 7_999_999_999_999_999_999) { membershipIDs.contains($0) }
        teams[t].memberships.append(Membership(
            id: membershipID, member: TeamMember(id: memberID, name: u.name, email: u.email, userID: u.id, isVirtual: false),
            createdAt: Self.mutationTime))
    }

    /// The largest decimal id at most `top` that is not taken.
    private func unusedID(below top: UInt64, taken: (String) -> Bool) -> String {
        var candidate = top
        while taken(String(candidate)) { candidate -= 1 }
        return String(candidate)
    }
}
