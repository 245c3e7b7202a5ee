import ConnectorKit

/// The active account, with its two role entitlements and every user's role grants.
struct CodefreshAccountSyncer: ResourceSyncer {
    static let resourceType = ResourceType(id: "account", displayName: "Account", traits: [.app])

    let account: FetchOnce<CodefreshAccount>
    let users: FetchOnce<[CodefreshUser]>
    var resourceType: ResourceType { Self.resourceType }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        let account = try await account.value
        return Page([Resource(type: "account", id: account.id, displayName: account.name)])
    }

    func entitlements(_ request: EntitlementsRequest) async throws -> Page<Entitlement> {
        Page(CodefreshRole.allCases.map { $0.entitlement(of: request.resource) })
    }

    func grants(_ request: GrantsRequest) async throws -> Page<Grant> {
        let admins = Set(try await account.value.admins)
        return Page(try await users.value.flatMap { user in
            CodefreshRole.roles(of: user, admins: admins).map {
                Grant(entitlement: $0.entitlement(of: request.resource), principal: ResourceReference(type: "user", id: user.id.value))
            }
        })
    }
}

/// A Codefresh account role, granted as the account's entitlement of the same slug.
enum CodefreshRole: String, CaseIterable {
    case admin, user

    func entitlement(of account: Resource) -> Entitlement {
        Entitlement(resource: account.reference, slug: rawValue, displayName: "\(account.displayName) \(self == .admin ? "Admin" : "User")")
    }

    /// Admin when `roles` has Admin or the account lists the user as admin; User when not
    /// an admin, or when `roles` also has User.
    static func roles(of user: CodefreshUser, admins: Set<String>) -> [CodefreshRole] {
        let roles = Set((user.roles ?? []).map { $0.lowercased() })
        let isAdmin = roles.contains("admin") || admins.contains(user.id.value)
        return (isAdmin ? [.admin] : []) + (!isAdmin || roles.contains("user") ? [.user] : [])
    }
}

/// The users of the active account.
struct CodefreshUserSyncer: ResourceSyncer {
    static let resourceType = ResourceType(id: "user", displayName: "User", traits: [.user])

    let users: FetchOnce<[CodefreshUser]>
    var resourceType: ResourceType { Self.resourceType }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        Page(try await users.value.map(Self.resource))
    }

    static func resource(_ user: CodefreshUser) -> Resource {
        let first = user.personal?.firstName, last = user.personal?.lastName
        let fullName = [first, last].compactMap { $0 }.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        let profile = ["roles": (user.roles ?? []).joined(separator: ","), "email": user.email, "userName": user.userName,
                       "status": user.status, "first_name": first, "last_name": last].compactMapValues { $0 }
        return Resource(type: "user", id: user.id.value, displayName: fullName.isEmpty ? (user.userName ?? user.id.value) : fullName,
                        profile: profile)
    }
}
