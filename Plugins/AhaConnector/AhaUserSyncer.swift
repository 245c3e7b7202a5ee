import ConnectorKit

/// Aha! users. Virtual users are not in `/api/v1/users`, so nothing is filtered here.
struct AhaUserSyncer: ResourceSyncer {
    static let resourceType = ResourceType(id: "user", displayName: "User", traits: [.user])

    let users: PageNumberListing<AhaUsersPage>
    var resourceType: ResourceType { Self.resourceType }

    init(client: HTTPClient) {
        users = PageNumberListing(client: client, path: "/api/v1/users", pageSize: 200)
    }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        try await users.page(request.page) { $0.users.map(Self.resource) }
    }

    static func resource(_ user: AhaUser) -> Resource {
        var profile: [String: String] = [
            "status": user.enabled == false ? "disabled" : "enabled",
            "administrator": String(user.administrator ?? false),
            "paid_seat": String(user.paidSeat ?? false),
        ]
        profile["email"] = user.email
        profile["last_access"] = user.accessedAt
        return Resource(type: "user", id: user.id.value, displayName: user.name ?? user.email ?? user.id.value, profile: profile)
    }
}
