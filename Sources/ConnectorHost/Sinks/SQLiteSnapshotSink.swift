import ConnectorKit
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
    private var database: SQLiteDatabase?
    private var statements: [String: SQLiteStatement] = [:]
    private let encoder = RecordEncoder()

    /// Creates a sink that will write `destination` on commit.
    public init(destination: String) throws {
        self.destination = destination
        temporaryPath = AtomicFile.temporaryPath(beside: destination)
    }

    public func begin(connector: String, pluginVersion: String) throws {
        try AtomicFile.requireDirectory(of: temporaryPath)
        TemporaryFiles.register(temporaryPath)
        do {
            try createDatabase()
        } catch {
            abort()
            throw error
        }
    }

    /// Creates the temp database with the schema, starts the one transaction and prepares
    /// the inserts.
    private func createDatabase() throws {
        let database = try SQLiteDatabase(path: temporaryPath, mode: .create, name: destination)
        self.database = database
        // A temp file that is renamed only when complete needs no journal of its own.
        try database.disableJournal()
        try database.setUserVersion(Int(Self.schemaVersion))
        try database.execute(Self.schema)
        try database.begin()
        statements = [
            "resource_type": try database.prepare("INSERT INTO resource_types VALUES (?1, ?2, ?3)"),
            "resource": try database.prepare("INSERT INTO resources VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
            "entitlement": try database.prepare("INSERT INTO entitlements VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
            "grant": try database.prepare("INSERT INTO grants VALUES (?1, ?2, ?3, ?4)"),
        ]
    }

    public func write(_ record: SnapshotRecord) throws {
        switch record {
        case .resourceType(let type):
            try insert("resource_type", [type.id, type.displayName, json(type.traits)])
        case .resource(let resource):
            try insert("resource", [resource.type, resource.id, resource.displayName,
                                    resource.parent?.type, resource.parent?.id, RecordEncoder.jsonObject(resource.profile)])
        case .entitlement(let entitlement):
            try insert("entitlement", [entitlement.id, entitlement.resource.type, entitlement.resource.id,
                                       entitlement.slug, entitlement.displayName, entitlement.purpose.rawValue])
        case .grant(let grant):
            try insert("grant", [grant.id, grant.entitlement, grant.principal.type, grant.principal.id])
        }
    }

    public func commit(_ summary: SyncSummary) throws {
        do {
            guard let database else { throw HostError.failed("\(destination): the snapshot is not open") }
            try database.execute(Self.indexes)
            statements["run"] = try database.prepare("INSERT INTO sync_runs (connector, plugin_version, started_at, ended_at, status, resource_counts, entitlements, grants, requests, retries, warnings) VALUES (?1, ?2, ?3, ?4, 'succeeded', ?5, ?6, ?7, ?8, ?9, ?10)")
            try insert("run", [summary.connector, summary.pluginVersion, Timestamp.iso8601(summary.startedAt),
                               Timestamp.iso8601(summary.endedAt), json(summary.resources), String(summary.entitlements),
                               String(summary.grants), String(summary.requests), String(summary.retries), json(summary.warnings)])
            try database.commit()
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

    private func closeDatabase() {
        statements = [:]   // finalized before the connection closes
        database?.close()
        database = nil
    }

    private func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func insert(_ name: String, _ values: [String?]) throws {
        guard let statement = statements[name] else { throw HostError.failed("\(destination): the snapshot is not open") }
        try statement.run(values)
    }
}
