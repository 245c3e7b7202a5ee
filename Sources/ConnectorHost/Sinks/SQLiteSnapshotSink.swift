import ConnectorKit
import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The default sink: one SQLite file, written in one transaction to a temp file and
/// renamed into place, so readers never see a half-written snapshot.
///
/// Records stream straight into prepared statements; memory stays flat however large the
/// tenant. Indexes are built after the rows are in (faster than maintaining them). The
/// schema is documented in `docs/snapshot-format.md`.
public final class SQLiteSnapshotSink: SnapshotSink {
    /// `PRAGMA user_version` of the schema below.
    public static let schemaVersion: Int32 = 1

    static let schema = """
    CREATE TABLE resource_types (id TEXT PRIMARY KEY, display_name TEXT NOT NULL, traits TEXT NOT NULL);
    CREATE TABLE resources (type TEXT NOT NULL, id TEXT NOT NULL, display_name TEXT NOT NULL,
      parent_type TEXT, parent_id TEXT, profile TEXT NOT NULL, PRIMARY KEY (type, id));
    CREATE TABLE entitlements (id TEXT PRIMARY KEY, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL,
      slug TEXT NOT NULL, display_name TEXT NOT NULL, purpose TEXT NOT NULL);
    CREATE TABLE grants (id TEXT PRIMARY KEY, entitlement_id TEXT NOT NULL,
      principal_type TEXT NOT NULL, principal_id TEXT NOT NULL);
    CREATE TABLE sync_runs (id INTEGER PRIMARY KEY, connector TEXT NOT NULL, plugin_version TEXT NOT NULL,
      started_at TEXT NOT NULL, ended_at TEXT NOT NULL, status TEXT NOT NULL, resource_counts TEXT NOT NULL,
      entitlements INTEGER NOT NULL, grants INTEGER NOT NULL, requests INTEGER NOT NULL,
      retries INTEGER NOT NULL, warnings TEXT NOT NULL);
    """

    static let indexes = """
    CREATE INDEX resources_by_type ON resources (type);
    CREATE INDEX entitlements_by_resource ON entitlements (resource_type, resource_id);
    CREATE INDEX grants_by_entitlement ON grants (entitlement_id);
    CREATE INDEX grants_by_principal ON grants (principal_type, principal_id);
    """

    private let destination: String
    private let temporaryPath: String
    private var database: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private let encoder = RecordEncoder()

    /// Creates a sink that will write `destination` on commit.
    public init(destination: String) throws {
        self.destination = destination
        temporaryPath = AtomicFile.temporaryPath(beside: destination)
    }

    public func begin(connector: String, pluginVersion: String) throws {
        try AtomicFile.requireDirectory(of: temporaryPath)
        TemporaryFiles.register(temporaryPath)
        guard sqlite3_open_v2(temporaryPath, &database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE, nil) == SQLITE_OK else {
            let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            abort()
            throw HostError.failed("cannot create \(temporaryPath): \(message)")
        }
        // A temp file that is renamed only when complete needs no journal of its own.
        try execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA user_version = \(Self.schemaVersion);")
        try execute(Self.schema)
        try execute("BEGIN")
        try prepare("resource_type", "INSERT INTO resource_types VALUES (?1, ?2, ?3)")
        try prepare("resource", "INSERT INTO resources VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        try prepare("entitlement", "INSERT INTO entitlements VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        try prepare("grant", "INSERT INTO grants VALUES (?1, ?2, ?3, ?4)")
    }

    public func write(_ record: SnapshotRecord) throws {
        switch record {
        case .resourceType(let type):
            try insert("resource_type", [type.id, type.displayName, json(type.traits)])
        case .resource(let resource):
            try insert("resource", [resource.type, resource.id, resource.displayName,
                                    resource.parent?.type, resource.parent?.id, Self.jsonObject(resource.profile)])
        case .entitlement(let entitlement):
            try insert("entitlement", [entitlement.id, entitlement.resource.type, entitlement.resource.id,
                                       entitlement.slug, entitlement.displayName, entitlement.purpose.rawValue])
        case .grant(let grant):
            try insert("grant", [grant.id, grant.entitlement, grant.principal.type, grant.principal.id])
        }
    }

    public func commit(_ summary: SyncSummary) throws {
        do {
            try execute(Self.indexes)
            try prepare("run", "INSERT INTO sync_runs (connector, plugin_version, started_at, ended_at, status, resource_counts, entitlements, grants, requests, retries, warnings) VALUES (?1, ?2, ?3, ?4, 'succeeded', ?5, ?6, ?7, ?8, ?9, ?10)")
            try insert("run", [summary.connector, summary.pluginVersion, Timestamp.iso8601(summary.startedAt),
                               Timestamp.iso8601(summary.endedAt), json(summary.resources), String(summary.entitlements),
                               String(summary.grants), String(summary.requests), String(summary.retries), json(summary.warnings)])
            try execute("COMMIT")
            closeDatabase()
            let fd = open(temporaryPath, O_RDONLY)
            if fd >= 0 { fsync(fd); close(fd) }
            try AtomicFile.rename(temporaryPath, over: destination)
            TemporaryFiles.unregister(temporaryPath)
        } catch {
            abort()
            throw error
        }
    }

    public func abort() {
        closeDatabase()
        unlink(temporaryPath)
        TemporaryFiles.unregister(temporaryPath)
    }

    deinit {
        if database != nil { abort() }
    }

    // MARK: - SQLite plumbing

    private func closeDatabase() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let database { sqlite3_close(database) }
        database = nil
    }

    private func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `object` exactly as `RecordEncoder` (JSONEncoder with `.sortedKeys` and
    /// `.withoutEscapingSlashes`) writes a `[String: String]`: keys sorted by their UTF-8
    /// bytes; `"`, `\` and control characters escaped (`\b \f \n \r \t`, else `\u00xx`);
    /// everything else, `/` and non-ASCII included, as is. Profiles are written once per
    /// resource, and going through `Codable` for them cost more than the SQLite inserts.
    static func jsonObject(_ object: [String: String]) -> String {
        if object.isEmpty { return "{}" }
        var size = 2
        for (key, value) in object { size += key.utf8.count + value.utf8.count + 6 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size + size / 8)
        bytes.append(UInt8(ascii: "{"))
        for (index, (key, value)) in object.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendJSONString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            appendJSONString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendJSONString(_ text: String, to bytes: inout [UInt8]) {
        let backslash = UInt8(ascii: "\\")
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), backslash: bytes.append(backslash); bytes.append(byte)
            case 0x08: bytes.append(backslash); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(backslash); bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(backslash); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(backslash); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(backslash); bytes.append(UInt8(ascii: "t"))
            case 0x00...0x1F:
                let low = byte & 0x0F
                bytes.append(contentsOf: [backslash, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          byte < 0x10 ? UInt8(ascii: "0") : UInt8(ascii: "1"),
                                          low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(database, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw HostError.failed("SQLite: \(message)")
        }
    }

    private func prepare(_ name: String, _ sql: String) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw HostError.failed("SQLite: \(String(cString: sqlite3_errmsg(database)))")
        }
        statements[name] = statement
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func insert(_ name: String, _ values: [String?]) throws {
        guard let statement = statements[name] else { throw HostError.failed("SQLite: the snapshot is not open") }
        for (index, value) in values.enumerated() {
            if let value {
                sqlite3_bind_text(statement, Int32(index + 1), value, -1, Self.transient)
            } else {
                sqlite3_bind_null(statement, Int32(index + 1))
            }
        }
        let result = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard result == SQLITE_DONE else {
            throw HostError.failed("SQLite: \(String(cString: sqlite3_errmsg(database)))")
        }
    }
}
