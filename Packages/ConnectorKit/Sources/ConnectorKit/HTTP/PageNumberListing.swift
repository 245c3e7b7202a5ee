/// A page-numbered listing, `GET <path>?page=N&per_page=M`, read page by page with the
/// next pages fetched ahead (``PagePrefetcher``) and the end decided by `total_pages`.
///
/// What a syncer's `list` needs, in one call:
///
/// ```swift
/// let users = PageNumberListing<AhaUsersPage>(client: client, path: "/api/v1/users", pageSize: 200)
/// func list(_ request: ListRequest) async throws -> Page<Resource> {
///     try await users.page(request.page) { $0.users.map(Self.resource) }
/// }
/// ```
public struct PageNumberListing<Response: PageNumberedResponse>: Sendable {
    private let pages: PagePrefetcher<Response>

    /// Creates a listing.
    /// - Parameters:
    ///   - query: further query items sent with every page (`fields=…`).
    ///   - prefetch: whether to fetch ahead (up to the client's concurrency); turn it off
    ///     for short listings read once, such as one team's members.
    public init(client: HTTPClient, path: String, query: [(String, String)] = [], pageSize: Int,
                pageParameter: String = "page", sizeParameter: String = "per_page", prefetch: Bool = true) {
        pages = PagePrefetcher(concurrency: prefetch ? client.concurrency : 1, totalPages: \.pagination.totalPages) { number in
            try await client.get(path, query: [(pageParameter, String(number)), (sizeParameter, String(pageSize))] + query,
                                 as: Response.self)
        }
    }

    /// The answer for `token` (`nil`: the first page) and the token of the page after it.
    public func response(_ token: PageToken?) async throws -> (Response, next: PageToken?) {
        let number = try PageToken.pageNumber(token)
        let response = try await pages.page(number)
        return (response, response.pagination.nextToken(after: number))
    }

    /// The page for `token`, its items made by `items` from the answer.
    public func page<Item>(_ token: PageToken?, _ items: (Response) throws -> [Item]) async throws -> Page<Item> {
        let (response, next) = try await response(token)
        return Page(try items(response), next: next)
    }
}
