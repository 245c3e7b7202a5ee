import ConnectorKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a snapshot file of any format into a `Snapshot`, telling the format by the
/// file's content rather than its name.
///
/// SQLite files start with the SQLite magic header; Baton `.c1z` files with `C1ZF\0`; an
/// NDJSON stream's first line is an object with a `kind`; anything else starting with `{`
/// must be a `connhost.snapshot/v1` JSON document. A file that is none of these, is
/// truncated, or is an NDJSON stream without its final `sync_run` line fails with
/// `HostError.failed` and a one-line reason naming the file; a missing file is
/// `HostError.usage`.
public struct SnapshotReader {
    /// The file being read.
    public let path: String
    /// The format detected from the file's content.
    public let format: SnapshotFormat
    /// The sync a `.c1z` file is read at; `nil` for its latest finished full sync.
    public let syncID: String?
    /// Where a `.c1z` file's database is inflated while it is read (unlinked at once).
    public let scratchDirectory: String
    private let data: Data

    private static let sqliteMagic = Data("SQLite format 3\0".utf8)
    /// The longest first line examined to tell NDJSON from a one-line JSON document.
    private static let firstLineLimit = 1 << 20

    /// Opens `path` and detects its format; `syncID` picks a sync of a `.c1z` file and is
    /// a usage error for other formats, which hold one sync.
    public init(path: String, syncID: String? = nil, scratchDirectory: String = NSTemporaryDirectory()) throws {
        self.path = path
        self.syncID = syncID
        self.scratchDirectory = scratchDirectory
        guard !PostgreSQLURL.matches(path) else {
            throw HostError.usage("\(PostgreSQLURL.displayed(path)) is a database, not a snapshot file (use SnapshotReader.read)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HostError.usage("no such snapshot file: \(path)")
        }
        guard !isDirectory.boolValue else {
            throw HostError.usage("\(path) is a directory, not a snapshot file")
        }
        do {
            // Mapped, not read: a large snapshot costs address space, not heap.
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw HostError.failed("cannot read \(path): \(error.localizedDescription)")
        }
        format = try Self.detect(data, path: path)
        if syncID != nil && format != .c1z {
            throw HostError.usage("--sync-id applies to c1z snapshots; \(path) is a \(format.rawValue) snapshot")
        }
    }

    /// Reads the snapshot at `path`, whatever its format, or the sync a `postgresql://`
    /// URL names (its latest successful one unless `syncID` or `?sync=` says otherwise).
    public static func read(_ path: String, syncID: String? = nil, scratchDirectory: String = NSTemporaryDirectory()) throws -> Snapshot {
        if PostgreSQLURL.matches(path) {
            return try PostgreSQLSnapshotReader(url: PostgreSQLURL(path), syncID: syncID).read()
        }
        return try SnapshotReader(path: path, syncID: syncID, scratchDirectory: scratchDirectory).read()
    }

    /// Reads the whole snapshot.
    public func read() throws -> Snapshot {
        switch format {
        case .sqlite: return try SQLiteSnapshotReader(path: path, size: data.count).read()
        case .json: return try readJSON()
        case .ndjson: return try readNDJSON()
        case .c1z: return try C1ZSnapshotReader(path: path, data: data, syncID: syncID, scratchDirectory: scratchDirectory).read()
        }
    }

    // MARK: - Detection

    private static func detect(_ data: Data, path: String) throws -> SnapshotFormat {
        guard !data.isEmpty else { throw HostError.failed("\(path) is empty, not a snapshot") }
        if data.starts(with: sqliteMagic) { return .sqlite }
        if data.starts(with: C1ZSchema.magic) { return .c1z }
        if data.starts(with: C1ZSchema.magicV3) {
            throw HostError.failed("\(path) is a Baton c1z v3 file (C1Z3, a Pebble store); connhost reads c1z v1 (C1ZF) only")
        }
        let start = contentStart(of: data)
        guard start < data.endIndex, data[start] == UInt8(ascii: "{") else {
            if data.starts(with: sqliteMagic.prefix(data.count)) {
                throw HostError.failed("\(path) is truncated (\(data.count) bytes, shorter than an SQLite header)")
            }
            if data.starts(with: C1ZSchema.magic.prefix(data.count)) {
                throw HostError.failed("\(path) is truncated (\(data.count) bytes, shorter than a c1z header)")
            }
            throw HostError.failed("\(path) is not a connhost snapshot (expected an SQLite, JSON, NDJSON or c1z snapshot)")
        }
        let limit = data.index(start, offsetBy: min(firstLineLimit, data.endIndex - start))
        let end = data[start..<limit].firstIndex(of: 0x0A) ?? limit
        if let object = try? JSONSerialization.jsonObject(with: data[start..<end]) as? [String: Any], object["kind"] is String {
            return .ndjson
        }
        // A damaged first line in a file named .ndjson reads better as an NDJSON error.
        return SnapshotFormat.inferred(fromPath: path) == .ndjson ? .ndjson : .json
    }

    /// The index after a UTF-8 byte order mark and leading whitespace.
    private static func contentStart(of data: Data) -> Data.Index {
        var index = data.startIndex
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }
        while index < data.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(data[index]) { index += 1 }
        return index
    }

    // MARK: - JSON document

    /// The `connhost.snapshot/v1` document; every field optional so that a foreign JSON
    /// file is reported as "not a snapshot" rather than by its first missing key.
    private struct Document: Decodable {
        var format: String?
        var connector: String?
        var syncedAt: String?
        var resourceTypes: [ResourceType]?
        var resources: [Resource]?
        var entitlements: [Entitlement]?
        var grants: [Grant]?

        enum CodingKeys: String, CodingKey {
            case format, connector, syncedAt = "synced_at", resourceTypes = "resource_types"
            case resources, entitlements, grants
        }
    }

    private func readJSON() throws -> Snapshot {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw HostError.failed("\(path) is not a valid JSON snapshot (truncated or damaged?): \(Self.describe(error))")
        }
        guard document.format == JSONSnapshotSink.format else {
            let found = document.format.map { "format '\($0)'" } ?? "no \"format\" field"
            throw HostError.failed("\(path) is a JSON document but not a connhost snapshot (\(found), expected '\(JSONSnapshotSink.format)')")
        }
        func require<T>(_ value: T?, _ key: String) throws -> T {
            guard let value else { throw HostError.failed("\(path) is an incomplete JSON snapshot: no \"\(key)\"") }
            return value
        }
        return Snapshot(connector: try require(document.connector, "connector"),
                        syncedAt: try document.syncedAt.map { try parseTime($0, "synced_at") },
                        resourceTypes: try require(document.resourceTypes, "resource_types"),
                        resources: try require(document.resources, "resources"),
                        entitlements: try require(document.entitlements, "entitlements"),
                        grants: try require(document.grants, "grants"))
    }

    // MARK: - NDJSON stream

    /// One NDJSON line: a record, or the final `sync_run` summary.
    private enum Line: Decodable {
        case record(SnapshotRecord)
        case syncRun(connector: String, startedAt: String?)

        enum Keys: String, CodingKey { case kind, connector, startedAt = "started_at" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if try container.decode(String.self, forKey: .kind) == "sync_run" {
                self = .syncRun(connector: try container.decode(String.self, forKey: .connector),
                                startedAt: try container.decodeIfPresent(String.self, forKey: .startedAt))
            } else {
                self = .record(try SnapshotRecord(from: decoder))
            }
        }
    }

    private func readNDJSON() throws -> Snapshot {
        var resourceTypes: [ResourceType] = [], resources: [Resource] = []
        var entitlements: [Entitlement] = [], grants: [Grant] = []
        var run: (connector: String, startedAt: String?)?
        let decoder = JSONDecoder()
        var lineNumber = 0
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                // memchr, not Collection.firstIndex: this loop runs over the whole file.
                let newline = memchr(base + offset, 0x0A, buffer.count - offset)
                let end = newline.map { base.distance(to: UnsafeRawPointer($0)) } ?? buffer.count
                defer { offset = end + 1 }
                lineNumber += 1
                let line = Data(bytes: base + offset, count: end - offset)
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                if run != nil {
                    throw HostError.failed("\(path): line \(lineNumber): data after the final sync_run line")
                }
                let decoded: Line
                do {
                    decoded = try decoder.decode(Line.self, from: line)
                } catch {
                    let hint = newline == nil ? " (truncated?)" : ""
                    throw HostError.failed("\(path): line \(lineNumber) is not a snapshot record\(hint): \(Self.describe(error))")
                }
                switch decoded {
                case .record(.resourceType(let value)): resourceTypes.append(value)
                case .record(.resource(let value)): resources.append(value)
                case .record(.entitlement(let value)): entitlements.append(value)
                case .record(.grant(let value)): grants.append(value)
                case .syncRun(let connector, let startedAt): run = (connector, startedAt)
                }
            }
        }
        guard let run else {
            throw HostError.failed("\(path) is an incomplete snapshot: the NDJSON stream has no final sync_run line "
                                   + "(the sync failed or the file was cut short)")
        }
        return Snapshot(connector: run.connector, syncedAt: try run.startedAt.map { try parseTime($0, "started_at") },
                        resourceTypes: resourceTypes, resources: resources, entitlements: entitlements, grants: grants)
    }

    // MARK: - Helpers

    private func parseTime(_ text: String, _ field: String) throws -> Date {
        guard let date = ISO8601DateFormatter().date(from: text) else {
            throw HostError.failed("\(path): \(field) '\(text)' is not an ISO 8601 time")
        }
        return date
    }

    /// A `DecodingError` as one short line: what is wrong, and where.
    static func describe(_ error: any Error) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "" : " at \(path.hasPrefix(".") ? String(path.dropFirst()) : path)"
        }
        let text: String
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            text = "missing \"\(key.stringValue)\"\(at(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            text = "\(context.debugDescription)\(at(context))"
        case DecodingError.dataCorrupted(let context):
            let underlying = context.underlyingError.map { ": \($0)" } ?? ""
            text = "\(context.debugDescription)\(underlying)\(at(context))"
        default:
            text = "\(error)"
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
