/// The errors connectors throw and the host understands.
///
/// A struct, not an enum, so that kinds can be added without breaking plugins that switch
/// over them: compare ``kind`` with the static members of ``Kind``. The host maps
/// ``Kind/invalidConfiguration`` to exit status 2 and every other kind to 1. Messages must
/// never contain a secret.
public struct ConnectorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, as a set of named values that can grow.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The kind's name, e.g. `invalidConfiguration`.
        public let name: String

        /// A configuration value is missing or malformed; the message says how to fix it.
        public static let invalidConfiguration = Kind(name: "invalidConfiguration")
        /// The service rejected the credentials (HTTP 401).
        public static let unauthenticated = Kind(name: "unauthenticated")
        /// The service could not be reached at all (DNS, refused connection, TLS).
        public static let unreachable = Kind(name: "unreachable")
        /// A request failed for good (after retries where retrying made sense).
        public static let requestFailed = Kind(name: "requestFailed")
        /// A response could not be decoded.
        public static let invalidResponse = Kind(name: "invalidResponse")
        /// Anything else; the message is shown as is.
        public static let other = Kind(name: "other")

        public var description: String { name }
    }

    /// What went wrong.
    public var kind: Kind
    /// The detail, without the field, endpoint or status (see ``description`` for the line).
    public var message: String
    /// The configuration field at fault (``Kind/invalidConfiguration``).
    public var field: String?
    /// The host that failed (``Kind/unauthenticated``, ``Kind/unreachable``).
    public var host: String?
    /// The request that failed, e.g. `GET /api/v1/users?page=2`.
    public var endpoint: String?
    /// The HTTP status, when one was received.
    public var status: Int?

    /// Creates an error of any kind.
    public init(_ kind: Kind, message: String, field: String? = nil, host: String? = nil,
                endpoint: String? = nil, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
        self.host = host
        self.endpoint = endpoint
        self.status = status
    }

    /// A configuration value is missing or malformed; shown as `--<field> <message>`.
    public static func invalidConfiguration(field: String, message: String) -> ConnectorError {
        ConnectorError(.invalidConfiguration, message: message, field: field)
    }

    /// The service at `host` rejected the credentials.
    public static func unauthenticated(host: String, message: String) -> ConnectorError {
        ConnectorError(.unauthenticated, message: message, host: host)
    }

    /// `host` could not be reached.
    public static func unreachable(host: String, message: String) -> ConnectorError {
        ConnectorError(.unreachable, message: message, host: host)
    }

    /// A request failed for good.
    public static func requestFailed(endpoint: String, status: Int?, message: String) -> ConnectorError {
        ConnectorError(.requestFailed, message: message, endpoint: endpoint, status: status)
    }

    /// A response could not be decoded.
    public static func invalidResponse(endpoint: String, message: String) -> ConnectorError {
        ConnectorError(.invalidResponse, message: message, endpoint: endpoint)
    }

    /// Anything else; the message is shown as is.
    public static func other(_ message: String) -> ConnectorError {
        ConnectorError(.other, message: message)
    }

    /// The one line the host prints.
    public var description: String {
        switch kind {
        case .invalidConfiguration:
            return "--\(field ?? "?") \(message)"
        case .requestFailed:
            let endpoint = endpoint ?? "request"
            return status.map { "\(endpoint): HTTP \($0): \(message)" } ?? "\(endpoint): \(message)"
        case .invalidResponse:
            return "\(endpoint ?? "response"): invalid response: \(message)"
        default:
            return message
        }
    }

    /// Whether the failure lies in what the user gave, not in the remote service.
    public var isConfigurationError: Bool { kind == .invalidConfiguration }
}
