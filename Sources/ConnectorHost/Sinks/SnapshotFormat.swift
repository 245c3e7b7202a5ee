/// The snapshot formats connhost writes, chosen by `--format` or the output's extension.
public enum SnapshotFormat: String, CaseIterable, Sendable {
    case sqlite, json, ndjson, c1z

    /// The extension of default output names.
    public var fileExtension: String {
        switch self {
        case .sqlite: return "db"
        case .json: return "json"
        case .ndjson: return "ndjson"
        case .c1z: return "c1z"
        }
    }

    /// The format a path's extension implies, if any.
    public static func inferred(fromPath path: String) -> SnapshotFormat? {
        switch path.split(separator: ".").last.map({ $0.lowercased() }) {
        case "db", "sqlite", "sqlite3": return .sqlite
        case "json": return .json
        case "ndjson", "jsonl": return .ndjson
        case "c1z": return .c1z
        default: return nil
        }
    }

    /// Parses a `--format` value, or says which values exist.
    public static func parse(_ text: String) throws -> SnapshotFormat {
        guard let format = SnapshotFormat(rawValue: text.lowercased()) else {
            throw HostError.usage("unknown format '\(text)'; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return format
    }

    /// A new sink of this format writing `destination` (`-` is stdout, for `ndjson`); a link is
    /// followed and a device is refused by ``AtomicFile/prepareDestination(_:)``.
    public func makeSink(destination: String) throws -> any SnapshotSink {
        if destination == "-" && self != .ndjson {
            throw HostError.usage("--output - (stdout) works with --format ndjson only")
        }
        let destination = destination == "-" ? "-" : try AtomicFile.prepareDestination(destination)
        switch self {
        case .json: return JSONSnapshotSink(destination: destination)
        case .ndjson: return NDJSONSnapshotSink(destination: destination)
        case .sqlite: return try SQLiteSnapshotSink(destination: destination)
        case .c1z: return C1ZSnapshotSink(destination: destination)
        }
    }
}
