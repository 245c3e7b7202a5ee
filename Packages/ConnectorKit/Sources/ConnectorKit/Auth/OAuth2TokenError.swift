/// Why a request to an OAuth 2.0 token endpoint failed.
///
/// Callers turn it into a ``ConnectorError`` whose message fits the moment (a code
/// exchange during `connhost auth`, or a refresh during a sync).
public enum OAuth2TokenError: Error, Sendable, Equatable {
    /// No client secret was configured, and the endpoint needs one.
    case missingClientSecret
    /// The endpoint answered with an OAuth error (`{"error": "invalid_grant", …}`).
    case rejected(status: Int, error: String, description: String?)
    /// The endpoint answered an HTTP error without an OAuth error body.
    case failed(status: Int, body: String)
    /// The endpoint could not be reached.
    case unreachable(String)
    /// A 2xx answer that is not a token response.
    case invalidResponse(String)

    /// One line: `HTTP 400 invalid_grant: the code was already used`.
    public var summary: String {
        switch self {
        case .missingClientSecret:
            return "no client secret was given"
        case let .rejected(status, error, description):
            return "HTTP \(status) \(error)" + (description.map { ": \($0)" } ?? "")
        case let .failed(status, body):
            return "HTTP \(status): \(body)"
        case let .unreachable(message):
            return message
        case let .invalidResponse(message):
            return "invalid token response: \(message)"
        }
    }

    /// Whether the service refused the client credentials (`invalid_client`).
    public var isInvalidClient: Bool {
        if case .rejected(_, "invalid_client", _) = self { return true }
        return false
    }
}
