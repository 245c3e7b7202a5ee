import Foundation

/// Where a sync's snapshot goes: a file in one of the `SnapshotFormat`s, or a shared
/// PostgreSQL database (`postgresql://…`).
public enum SnapshotDestination: CustomStringConvertible, Sendable {
    case file(SnapshotFormat, path: String)
    case postgresql(PostgreSQLURL)

    /// The format's name as `--json` reports it: `sqlite`, …, or `postgresql`.
    public var formatName: String {
        switch self {
        case .file(let format, _): return format.rawValue
        case .postgresql: return "postgresql"
        }
    }

    /// The path, or the URL without its password: safe to print.
    public var description: String {
        switch self {
        case .file(_, let path): return path
        case .postgresql(let url): return url.description
        }
    }

    /// Values to redact from every message about this destination.
    public var secrets: [String] {
        switch self {
        case .file: return []
        case .postgresql(let url): return url.password.map { [$0] } ?? []
        }
    }

    /// The end of a failure message: what is still there (empty when nothing was).
    public var unchangedNote: String {
        switch self {
        case .file(_, let path): return FileManager.default.fileExists(atPath: path) ? "; \(path) was not changed" : ""
        case .postgresql: return "; nothing was committed to the database"
        }
    }

    /// The directory where a sync to here stages its records and checkpoint (see
    /// ``StagedSync``); `nil` for stdout and PostgreSQL, which commit one transaction and
    /// have nothing to resume.
    public var stagingDirectory: String? {
        guard case .file(_, let path) = self, path != "-" else { return nil }
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// A new sink writing here.
    public func makeSink() throws -> any SnapshotSink {
        switch self {
        case .file(let format, let path): return try format.makeSink(destination: path)
        case .postgresql(let url): return PostgreSQLSnapshotSink(url: url)
        }
    }
}
