/// What the HTTP front end needs from a fake SaaS: its auth rule, its error body
/// style, its routes, its ground truth and how its data changes between syncs. Rate limits, faults and `/_fake/*` are
/// handled once, in `FakeService`, for every tenant.
protocol Tenant: AnyObject, Sendable {
    /// `aha` or `codefresh`, as in the snapshot's `connector` field.
    var connectorName: String { get }

    /// Whether the request carries exactly the expected credentials.
    func isAuthorized(_ request: HTTPRequest) -> Bool

    /// An error in this service's JSON style (401, 404, 429, 5xx, ...).
    func errorResponse(status: Int) -> HTTPResponse

    /// Answers an authorized API request.
    func handle(_ request: HTTPRequest) -> HTTPResponse

    /// The snapshot a correct connector produces from this tenant.
    func truth() -> TruthSnapshot

    /// Changes the served data (and so the truth) by `mutations`, all or none; returns
    /// the ids of added users.
    func apply(_ mutations: [Mutation]) throws(Mutation.Failure) -> [String]

    /// The tenant's OAuth 2.0 authorization server (`/oauth/*`), if it has one.
    var oauth: OAuthServer? { get }
}

extension Tenant {
    var oauth: OAuthServer? { nil }
}

/// Page arithmetic shared by the paginated Aha! endpoints.
struct PageWindow {
    let total: Int
    let page: Int
    let perPage: Int

    /// `page` defaults to 1 (values below 1 count as 1); `per_page` defaults to 30 and
    /// is clamped to `1...maxPerPage`.
    init(request: HTTPRequest, total: Int, maxPerPage: Int) {
        self.total = total
        page = max(1, request.intParameter("page") ?? 1)
        perPage = min(max(1, request.intParameter("per_page") ?? 30), max(1, maxPerPage))
    }

    var totalPages: Int { (total + perPage - 1) / perPage }

    /// Item indexes on this page; empty past the end.
    var range: Range<Int> {
        let (start, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        guard !overflow, start < total else { return total..<total }
        return start..<min(total, start + perPage)
    }

    /// `"pagination":{...}` with the totals of the whole list.
    func write(_ w: inout JSONWriter) {
        w.raw("\"pagination\":{\"total_records\":"); w.int(total)
        w.raw(",\"total_pages\":"); w.int(totalPages)
        w.raw(",\"current_page\":"); w.int(page)
        w.raw("}")
    }
}
