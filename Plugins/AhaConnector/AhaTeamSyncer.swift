import ConnectorKit

/// Aha! teams, each with one `member` entitlement granted to its non-virtual members.
///
/// Members arrive with the team list (`fields=…,team_members`) and wait in
/// ``MemberCache`` until the host asks for the team's grants, so memberships cost no
/// extra request; a team listed without `team_members` falls back to its
/// `team_memberships` endpoint.
struct AhaTeamSyncer: ResourceSyncer {
    static let resourceType = ResourceType(id: "team", displayName: "Team", traits: [.group])
    static let pageSize = 200

    let client: HTTPClient
    let pages: PagePrefetcher<AhaTeamsPage>
    let members = MemberCache()
    var resourceType: ResourceType { Self.resourceType }

    init(client: HTTPClient) {
        self.client = client
        pages = PagePrefetcher(concurrency: client.concurrency, totalPages: \.pagination.totalPages) { number in
            try await client.get("/api/v1/teams", query: [
                ("page", String(number)), ("per_page", String(Self.pageSize)), ("fields", "id,name,team_members"),
            ], as: AhaTeamsPage.self)
        }
    }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        let number = try PageToken.pageNumber(request.page)
        let page = try await pages.page(number)
        for team in page.teams {
            if let listed = team.teamMembers {
                await members.store(listed.elements.compactMap(\.accountUserID), for: team.id.value)
            }
        }
        let resources = page.teams.map {
            Resource(type: "team", id: $0.id.value, displayName: $0.name ?? $0.id.value)
        }
        return Page(resources, next: page.pagination.nextToken(after: number))
    }

    func entitlements(of resource: Resource, page: PageToken?) async throws -> Page<Entitlement> {
        Page([Self.member(of: resource)])
    }

    func grants(of resource: Resource, page: PageToken?) async throws -> Page<Grant> {
        let entitlement = Self.member(of: resource)
        if page == nil, let userIDs = await members.take(resource.id) {
            return Page(Self.grants(entitlement, userIDs))
        }
        let number = try PageToken.pageNumber(page)
        let memberships = try await client.get(
            "/api/v1/teams/\(resource.id)/team_memberships",
            query: [("page", String(number)), ("per_page", String(Self.pageSize))], as: AhaTeamMembershipsPage.self)
        let userIDs = memberships.teamMemberships.compactMap(\.teamMember.accountUserID)
        return Page(Self.grants(entitlement, userIDs), next: memberships.pagination.nextToken(after: number))
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

/// Team members read from the team list, held until the host asks for that team's grants.
actor MemberCache {
    private var userIDs: [String: [String]] = [:]

    func store(_ ids: [String], for team: String) {
        userIDs[team] = ids
    }

    /// The members of `team`, removed from the cache; `nil` when the list had none.
    func take(_ team: String) -> [String]? {
        userIDs.removeValue(forKey: team)
    }
}
