import ConnectorKit

/// Aha! users. Virtual users are not in `/api/v1/users`, so nothing is filtered here.
struct AhaUserSyncer: ResourceSyncer {
    static let resourceType = ResourceType(id: "user", displayName: "User", traits: [.user])
    static let pageSize = 200

    let pages: PagePrefetcher<AhaUsersPage>
    var resourceType: ResourceType { Self.resourceType }

    init(client: HTTPClient) {
        pages = PagePrefetcher(concurrency: client.concurrency, totalPages: \.pagination.totalPages) { number in
            try await client.get("/api/v1/users", query: [("page", String(number)), ("per_page", String(Self.pageSize))],
                                 as: AhaUsersPage.self)
        }
    }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        let number = try PageToken.pageNumber(request.page)
        let page = try await pages.page(number)
        return Page(page.users.map(Self.resource), next: page.pagination.nextToken(after: number))
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
