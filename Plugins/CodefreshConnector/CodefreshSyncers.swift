import ConnectorKit

/// The active account, with its two role entitlements and every user's role grants.
struct CodefreshAccountSyncer: ResourceSyncer {
    static let resourceType = ResourceType(id: "account", displayName: "Account", traits: [.app])

    let directory: CodefreshDirectory
    var resourceType: ResourceType { Self.resourceType }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        let account = try await directory.account()
        return Page([Resource(type: "account", id: account.id, displayName: account.name)])
    }

    func entitlements(of resource: Resource, page: PageToken?) async throws -> Page<Entitlement> {
        Page([Self.role(.admin, of: resource), Self.role(.user, of: resource)])
    }

    func grants(of resource: Resource, page: PageToken?) async throws -> Page<Grant> {
        let account = try await directory.account()
        let admins = Set(account.admins)
        var grants: [Grant] = []
        for user in try await directory.users() {
            let principal = ResourceReference(type: "user", id: user.id.value)
            for role in Self.roles(of: user, admins: admins) {
                grants.append(Grant(entitlement: Self.role(role, of: resource), principal: principal))
            }
        }
        return Page(grants)
    }

    enum Role: String { case admin, user }

    static func role(_ role: Role, of account: Resource) -> Entitlement {
        Entitlement(resource: account.reference, slug: role.rawValue,
                    displayName: "\(account.displayName) \(role == .admin ? "Admin" : "User")")
    }

    /// Admin when `roles` has Admin or the account lists the user as admin; User when not
    /// an admin, or when `roles` also has User.
    static func roles(of user: CodefreshUser, admins: Set<String>) -> [Role] {
        let roles = Set((user.roles ?? []).map { $0.lowercased() })
        let isAdmin = roles.contains("admin") || admins.contains(user.id.value)
        var result: [Role] = []
        if isAdmin { result.append(.admin) }
        if !isAdmin || roles.contains("user") { result.append(.user) }
        return result
    }
}

/// The users of the active account.
struct CodefreshUserSyncer: ResourceSyncer {
    static let resourceType = ResourceType(id: "user", displayName: "User", traits: [.user])

    let directory: CodefreshDirectory
    var resourceType: ResourceType { Self.resourceType }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        Page(try await directory.users().map(Self.resource))
    }

    static func resource(_ user: CodefreshUser) -> Resource {
        let first = user.personal?.firstName, last = user.personal?.lastName
        let fullName = [first, last].compactMap { $0 }.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        var profile: [String: String] = ["roles": (user.roles ?? []).joined(separator: ",")]
        profile["email"] = user.email
        profile["userName"] = user.userName
        profile["status"] = user.status
        profile["first_name"] = first
        profile["last_name"] = last
        let name = fullName.isEmpty ? (user.userName ?? user.id.value) : fullName
        return Resource(type: "user", id: user.id.value, displayName: name, profile: profile)
    }
}
