/// The errors connectors throw and the host understands.
///
/// The host maps ``invalidConfiguration(field:message:)`` to exit status 2 and everything
/// else to 1. Messages must never contain a secret.
public enum ConnectorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value is missing or malformed; the message says how to fix it.
    case invalidConfiguration(field: String, message: String)
    /// The service rejected the credentials (HTTP 401).
    case unauthenticated(host: String, message: String)
    /// The service could not be reached at all (DNS, refused connection, TLS).
    case unreachable(host: String, message: String)
    /// A request failed for good (after retries where retrying made sense).
    case requestFailed(endpoint: String, status: Int?, message: String)
    /// A response could not be decoded.
    case invalidResponse(endpoint: String, message: String)
    /// Anything else; the message is shown as is.
    case other(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, message):
            return "--\(field) \(message)"
        case let .unauthenticated(_, message), let .unreachable(_, message):
            return message
        case let .requestFailed(endpoint, status, message):
            return status.map { "\(endpoint): HTTP \($0): \(message)" } ?? "\(endpoint): \(message)"
        case let .invalidResponse(endpoint, message):
            return "\(endpoint): invalid response: \(message)"
        case let .other(message):
            return message
        }
    }

    /// Whether the failure lies in what the user gave, not in the remote service.
    public var isConfigurationError: Bool {
        if case .invalidConfiguration = self { return true }
        return false
    }
}
