import ConnectorKit

/// The exit status and one-line message of an error, the same everywhere.
///
/// 2: usage or configuration (bad flag, bad URL, missing key, no such plugin);
/// 1: the sync or a remote call failed.
public enum ErrorReport {
    /// The exit status for `error`.
    public static func status(for error: any Error) -> Int32 {
        switch error {
        case HostError.usage: return 2
        case let error as ConnectorError where error.isConfigurationError: return 2
        case let error as WorkerFailure: return error.status
        default: return 1
        }
    }

    /// The message for `error`, without secrets: `redact` (known secret values), then the
    /// credentials of any URL in it (``URLRedaction``).
    public static func message(for error: any Error, connector: String? = nil, redact: (String) -> String = { $0 }) -> String {
        let text: String
        switch error {
        case let error as HostError: text = error.description
        case let error as ConnectorError: text = connector.map { "\($0): " } .map { $0 + error.description } ?? error.description
        case let error as WorkerFailure: text = error.message
        case is CancellationError: text = "cancelled"
        default: text = "\(error)"
        }
        return URLRedaction.redact(redact(text))
    }
}
