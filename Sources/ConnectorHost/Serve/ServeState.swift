import Foundation

/// Where `connhost serve` keeps its snapshots and history, from the host configuration:
/// `state.directory` (relative to the file), else `state/` beside the file, else `./state`.
public struct ServeState: Sendable {
    /// The state directory.
    public let directory: String
    /// Successful snapshots kept per instance (`state.keep`, default 30).
    public let keep: Int

    /// The state of `configuration`.
    public init(_ configuration: HostConfiguration) {
        let base = configuration.path.map { ($0 as NSString).deletingLastPathComponent } ?? FileManager.default.currentDirectoryPath
        directory = configuration.stateDirectory ?? ((base.isEmpty ? "." : base) as NSString).appendingPathComponent("state")
        keep = configuration.keep ?? 30
    }

    /// `<state>/history.db`.
    public var historyPath: String { (directory as NSString).appendingPathComponent("history.db") }

    /// The history, created with its directory (mode 0700) when `create`; when not, a
    /// missing history is a usage error saying that serve has not run here.
    public func history(create: Bool) throws -> SyncHistory {
        if create {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } else if !FileManager.default.fileExists(atPath: historyPath) {
            throw HostError.usage("no sync history at \(historyPath): connhost serve has not run with this configuration")
        }
        return try SyncHistory(path: historyPath)
    }
}
