/// `POST /_fake/mutate` on the Codefresh tenant: users of the active account added,
/// removed, suspended or reactivated, and their roles changed.
extension CodefreshDataset {
    /// Applies `mutations` in order; returns the ids of added users. Throws on the first
    /// one that names an unknown user or applies to Aha! only; the caller then keeps the
    /// dataset it had.
    mutating func apply(_ mutations: [Mutation]) throws(Mutation.Failure) -> [String] {
        var added: [String] = []
        for mutation in mutations {
            switch mutation {
            case .addUser(let id, let name, let email, let roles):
                var counter = users.count
                var newID = id ?? ""
                while id == nil && (newID.isEmpty || users.contains(where: { $0.id == newID })) {
                    newID = Self.objectID(seed: 0, kind: "cf.mutation", index: counter, seconds: 1_780_000_000)
                    counter += 1
                }
                guard !users.contains(where: { $0.id == newID }) else { throw Mutation.Failure(message: "user \(newID) exists") }
                users.append(User(id: newID, userName: name, email: email, roles: roles, status: "active", personal: nil,
                                  registerDate: AhaDataset.mutationTime))
                added.append(newID)
            case .removeUser(let id):
                users.remove(at: try userIndex(id))
            case .disableUser(let id):
                users[try userIndex(id)].status = "suspended"
            case .enableUser(let id):
                users[try userIndex(id)].status = "active"
            case .setRoles(let id, let roles):
                users[try userIndex(id)].roles = roles
            case .moveMember, .addMember, .removeMember:
                throw Mutation.Failure(message: "team memberships apply to the aha tenant only")
            }
        }
        return added
    }

    private func userIndex(_ id: String) throws(Mutation.Failure) -> Int {
        guard let index = users.firstIndex(where: { $0.id == id }) else { throw Mutation.Failure(message: "no user \(id)") }
        return index
    }
}
