import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Answers requests from recorded JSON bodies instead of the network: the data source of a
/// plugin's self-test and of unit tests.
///
/// Each answer is keyed by a path and, optionally, query items that must match:
/// `"/api/v1/users?page=2"` answers `GET /api/v1/users?page=2&per_page=200`; other query
/// items of the request are ignored. The most specific key wins. A request no key matches
/// is answered 404, as an unknown path would be.
public struct CannedTransport: HTTPTransport {
    /// One recorded answer.
    public struct Answer: Sendable {
        /// The HTTP status.
        public var status: Int
        /// The body.
        public var body: Data
        /// Response headers, e.g. `Retry-After`.
        public var headers: [String: String]

        /// Creates an answer.
        public init(status: Int = 200, body: Data, headers: [String: String] = [:]) {
            self.status = status
            self.body = body
            self.headers = headers
        }

        /// A 200 answer with `json` as its body.
        public static func json(_ json: String) -> Answer { Answer(body: Data(json.utf8)) }
    }

    private let answers: [(path: String, query: [URLQueryItem], answer: Answer)]

    /// Answers `answers`, keyed by `path?name=value&…`.
    public init(_ answers: [String: Answer]) {
        self.answers = answers.map { key, answer in
            let components = URLComponents(string: key)
            return (components?.path ?? key, components?.queryItems ?? [], answer)
        }.sorted { $0.query.count > $1.query.count }
    }

    /// Answers each JSON body with 200, keyed by `path?name=value&…`.
    public init(json: [String: String]) {
        self.init(json.mapValues(Answer.json))
    }

    /// The answer to `request`, or a 404.
    public func send(_ request: URLRequest) async throws -> (Data, URLResponse) {
        try Task.checkCancellation()
        let url = request.url ?? URL(fileURLWithPath: "/")
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let query = components?.queryItems ?? []
        let answer = answers.first { $0.path == url.path && $0.query.allSatisfy(query.contains) }?.answer
            ?? Answer(status: 404, body: Data(#"{"error":"not in the canned answers"}"#.utf8))
        let response = HTTPURLResponse(url: url, statusCode: answer.status, httpVersion: "HTTP/1.1",
                                       headerFields: answer.headers)
        return (answer.body, response ?? URLResponse(url: url, mimeType: nil, expectedContentLength: 0, textEncodingName: nil))
    }
}
