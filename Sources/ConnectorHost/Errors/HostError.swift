/// Errors of the host itself, each with the exit status it stands for.
public enum HostError: Error, Equatable, CustomStringConvertible {
    /// Bad flags, files or names: exit 2.
    case usage(String)
    /// The sync or a remote call failed: exit 1.
    case failed(String)

    public var description: String {
        switch self {
        case .usage(let message), .failed(let message): return message
        }
    }
}
