import ConnectorKit

/// Follows one paged listing's tokens until a page says it was the last, and stops a
/// plugin whose tokens would never end.
///
/// Shared by ``SyncEngine`` (which turns a violation into a failed sync) and
/// ``ConformanceCheck`` (which reports it as a failed rule and carries on).
struct PageLoop {
    /// Why a listing was stopped.
    enum Violation: Error, Equatable, CustomStringConvertible {
        /// The next token equals the one just used.
        case unchanged(PageToken)
        /// The next token equals the one of an earlier page (`A → B → A`).
        case repeated(PageToken, firstUsedForPage: Int)
        /// More pages than the bound.
        case tooManyPages(Int)

        var description: String {
            switch self {
            case .unchanged(let token):
                return "next page token '\(token)' is unchanged (plugin bug)"
            case let .repeated(token, page):
                return "page token '\(token)' repeats the token of page \(page) (plugin bug)"
            case .tooManyPages(let bound):
                return "more than \(bound) pages (plugin bug?)"
            }
        }
    }

    /// Pages the listing may have.
    var maxPages: Int
    /// Whether every earlier token is remembered, so that a cycle is caught at once.
    /// Off, only an unchanged token is caught and a cycle runs into `maxPages`. The cost is
    /// one token per page (500 tokens for 100,000 users), so the engine turns it on.
    var detectsCycles = false

    /// Calls `fetch` with each page token (`start` first: `nil`, or a saved token to resume
    /// from) until it returns `nil`; throws a ``Violation`` or whatever `fetch` throws.
    func run(from start: PageToken? = nil, _ fetch: (PageToken?) async throws -> PageToken?) async throws {
        var token = start
        var used: [PageToken: Int] = [:]
        for page in 1...max(1, maxPages) {
            let next = try await fetch(token)
            guard let next else { return }
            if next == token { throw Violation.unchanged(next) }
            if detectsCycles {
                if let earlier = used[next] { throw Violation.repeated(next, firstUsedForPage: earlier) }
                used[next] = page + 1
            }
            token = next
        }
        throw Violation.tooManyPages(maxPages)
    }
}
