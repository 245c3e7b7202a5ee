import Foundation

/// One change to a tenant's data between syncs, from `POST /_fake/mutate`:
/// `{"mutations": [{"op": "disable_user", "user": "…"}, …]}`. The served data and the
/// ground truth change together, so a test knows exactly what the next sync must see.
enum Mutation: Sendable {
    /// A new user; `id` is generated when not given. `roles` are Codefresh's.
    case addUser(id: String?, name: String, email: String?, roles: [String])
    /// A user gone, with every team membership (Aha!) or grant (Codefresh) of theirs.
    case removeUser(String)
    /// Aha!: `enabled` false; Codefresh: `status` `suspended`.
    case disableUser(String)
    /// Aha!: `enabled` true; Codefresh: `status` `active`.
    case enableUser(String)
    /// Aha!: the user's membership of one team moved to another.
    case moveMember(user: String, from: String, to: String)
    /// Aha!: the user made a member of a team.
    case addMember(user: String, team: String)
    /// Aha!: the user's membership of a team ended.
    case removeMember(user: String, team: String)
    /// Codefresh: the user's roles replaced.
    case setRoles(user: String, roles: [String])

    /// Why a mutation request was refused (answered with 400 and nothing applied).
    struct Failure: Error {
        var message: String
    }

    /// The mutations of a request body, in order.
    static func parse(_ body: [UInt8]) throws(Failure) -> [Mutation] {
        guard let document = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let list = document["mutations"] as? [[String: Any]] else {
            throw Failure(message: "expected {\"mutations\": [{\"op\": …}, …]}")
        }
        var mutations: [Mutation] = []
        for (index, item) in list.enumerated() {
            func string(_ key: String) throws(Failure) -> String {
                guard let value = item[key] as? String, !value.isEmpty else {
                    throw Failure(message: "mutations[\(index)]: \"\(key)\" must be a non-empty string")
                }
                return value
            }
            func roles() throws(Failure) -> [String] {
                guard let value = item["roles"] as? [String] else {
                    throw Failure(message: "mutations[\(index)]: \"roles\" must be an array of strings")
                }
                return value
            }
            switch item["op"] as? String {
            case "add_user":
                mutations.append(.addUser(id: item["id"] as? String, name: try string("name"), email: item["email"] as? String,
                                          roles: item["roles"] == nil ? ["User"] : try roles()))
            case "remove_user": mutations.append(.removeUser(try string("user")))
            case "disable_user": mutations.append(.disableUser(try string("user")))
            case "enable_user": mutations.append(.enableUser(try string("user")))
            case "move_member": mutations.append(.moveMember(user: try string("user"), from: try string("from"), to: try string("to")))
            case "add_member": mutations.append(.addMember(user: try string("user"), team: try string("team")))
            case "remove_member": mutations.append(.removeMember(user: try string("user"), team: try string("team")))
            case "set_roles": mutations.append(.setRoles(user: try string("user"), roles: try roles()))
            default:
                throw Failure(message: "mutations[\(index)]: \"op\" must be one of add_user, remove_user, disable_user, "
                              + "enable_user, move_member, add_member, remove_member, set_roles")
            }
        }
        return mutations
    }
}
