import ConnectorKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes Baton's `.c1z` v1 format: `C1ZF\0` and one zstd frame of a SQLite database
/// holding one finished `full` sync, readable by the `baton` tools.
///
/// Records stream straight into a temp SQLite file beside the destination (rows as
/// protobuf blobs, `C1ZRecordEncoder`), inside one transaction that ends by setting the
/// sync's `ended_at`. On commit the closed database is compressed chunk by chunk into a
/// second temp file, which is renamed over the destination; both temp files are
/// registered with `TemporaryFiles`, so an interrupt removes them. Memory stays flat:
/// only the ids of resource types and entitlements are kept (for trait annotations and
/// the grant columns), plus any record that arrives before the type or entitlement it
/// needs, which the sync engine's order never produces.
public final class C1ZSnapshotSink: SnapshotSink {
    private let destination: String
    private let databasePath: String
    private var database: SQLiteDatabase?
    private var statements: [String: SQLiteStatement] = [:]
    private let encoder = C1ZRecordEncoder()
    private var syncID = ""

    /// Traits per declared resource type id.
    private var traits: [String: [ResourceTrait]] = [:]
    /// The resource each written entitlement belongs to, for the grants' columns.
    private var entitlementResources: [String: ResourceReference] = [:]
    /// Resources waiting for their type's declaration, by type id.
    private var pendingResources: [String: [Resource]] = [:]
    /// Grants waiting for their entitlement, by entitlement id.
    private var pendingGrants: [String: [Grant]] = [:]
    /// `discovered_at` of the current second, so that the per-row time costs little.
    private var clock: (second: time_t, prefix: String) = (0, "")

    /// Creates a sink that will write `destination` on commit.
    public init(destination: String) {
        self.destination = destination
        databasePath = AtomicFile.temporaryPath(beside: destination, suffix: ".sqlite")
    }

    public func begin(connector: String, pluginVersion: String) throws {
        try AtomicFile.requireDirectory(of: databasePath)
        TemporaryFiles.register(databasePath)
        do {
            let database = try SQLiteDatabase(path: databasePath, mode: .create, name: destination)
            self.database = database
            // The file is compressed and thrown away after commit: it needs no journal.
            try database.disableJournal()
            try database.execute(C1ZSchema.tables)
            try database.begin()
            let started = Date()
            syncID = KSUID(date: started).description
            // ended_at stays NULL until commit: a file cut off before then has no finished sync.
            let run = try database.prepare("""
                INSERT INTO v1_sync_runs (sync_id, started_at, ended_at, sync_token, sync_type, supports_diff, grants_backfilled)
                VALUES (?1, ?2, NULL, '', 'full', 1, 1)
                """)
            try run.run([syncID, BatonTime.text(started)])
            let session = try database.prepare("INSERT INTO v1_connector_sessions (sync_id, key, value) VALUES (?1, ?2, ?3)")
            for (key, value) in [(C1ZSchema.connectorKey, connector), (C1ZSchema.pluginVersionKey, pluginVersion)] {
                session.bind(1, syncID)
                session.bind(2, key)
                session.bind(3, blob: Array(value.utf8))
                try session.run()
            }
            statements = [
                "resource_type": try database.prepare(
                    "INSERT INTO v1_resource_types (external_id, data, sync_id, discovered_at) VALUES (?1, ?2, ?3, ?4)"),
                "resource": try database.prepare("""
                    INSERT INTO v1_resources (resource_type_id, external_id, parent_resource_type_id, parent_resource_id, data, sync_id, discovered_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    """),
                "entitlement": try database.prepare("""
                    INSERT INTO v1_entitlements (resource_type_id, resource_id, external_id, data, sync_id, discovered_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                    """),
                "grant": try database.prepare("""
                    INSERT INTO v1_grants (resource_type_id, resource_id, entitlement_id, principal_resource_type_id, principal_resource_id, external_id, data, sync_id, discovered_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                    """),
            ]
        } catch {
            abort()
            throw error
        }
    }

    public func write(_ record: SnapshotRecord) throws {
        switch record {
        case .resourceType(let type):
            traits[type.id] = type.traits
            try insert("resource_type", [type.id], blob: encoder.resourceType(type))
            for resource in pendingResources.removeValue(forKey: type.id) ?? [] { try insert(resource) }
        case .resource(let resource):
            if traits[resource.type] != nil {
                try insert(resource)
            } else {
                pendingResources[resource.type, default: []].append(resource)
            }
        case .entitlement(let entitlement):
            entitlementResources[entitlement.id] = entitlement.resource
            try insert("entitlement", [entitlement.resource.type, entitlement.resource.id, entitlement.id],
                       blob: encoder.entitlement(entitlement))
            for grant in pendingGrants.removeValue(forKey: entitlement.id) ?? [] { try insert(grant, of: entitlement.resource) }
        case .grant(let grant):
            if let resource = entitlementResources[grant.entitlement] {
                try insert(grant, of: resource)
            } else {
                pendingGrants[grant.entitlement, default: []].append(grant)
            }
        }
    }

    public func commit(_ summary: SyncSummary) throws {
        let file: AtomicFile
        do {
            guard let database else { throw HostError.failed("\(destination): the snapshot is not open") }
            // Records whose type or entitlement never came: a resource without trait
            // annotations, a grant whose entitlement resource is read from its id.
            for (_, resources) in pendingResources.sorted(by: { $0.key < $1.key }) {
                for resource in resources { try insert(resource) }
            }
            for (id, grants) in pendingGrants.sorted(by: { $0.key < $1.key }) {
                let parts = id.split(separator: ":", omittingEmptySubsequences: false)
                let resource = ResourceReference(type: parts.first.map(String.init) ?? "",
                                                 id: parts.count > 2 ? parts[1..<parts.count - 1].joined(separator: ":") : "")
                for grant in grants { try insert(grant, of: resource) }
            }
            pendingResources = [:]
            pendingGrants = [:]
            try database.execute(C1ZSchema.indexes)
            try database.prepare("UPDATE v1_sync_runs SET started_at = ?1, ended_at = ?2 WHERE sync_id = ?3")
                .run([BatonTime.text(summary.startedAt), BatonTime.text(max(summary.endedAt, summary.startedAt)), syncID])
            try database.commit()
            closeDatabase()
            file = try AtomicFile(destination: destination)
        } catch {
            abort()
            throw error
        }
        do {
            try file.write(Data(C1ZSchema.magic))
            try Zstd.compressFile(databasePath) { try file.write(Data($0)) }
            try file.commit()
            removeDatabase()
        } catch let failure as Zstd.Failure {
            file.discard()
            abort()
            throw HostError.failed("cannot compress the c1z snapshot: \(failure)")
        } catch {
            file.discard()
            abort()
            throw error
        }
    }

    public func abort() {
        closeDatabase()
        removeDatabase()
        traits = [:]
        entitlementResources = [:]
        pendingResources = [:]
        pendingGrants = [:]
    }

    deinit {
        if database != nil { abort() }
    }

    // MARK: - Rows

    private func insert(_ resource: Resource) throws {
        try insert("resource", [resource.type, "\(resource.type):\(resource.id)", resource.parent?.type, resource.parent?.id],
                   blob: encoder.resource(resource, traits: traits[resource.type] ?? []))
    }

    private func insert(_ grant: Grant, of resource: ResourceReference) throws {
        try insert("grant", [resource.type, resource.id, grant.entitlement, grant.principal.type, grant.principal.id, grant.id],
                   blob: encoder.grant(grant, entitlementResource: resource))
    }

    /// Binds `columns`, then `data`, `sync_id` and `discovered_at`, and inserts.
    private func insert(_ name: String, _ columns: [String?], blob: [UInt8]) throws {
        guard let statement = statements[name] else { throw HostError.failed("\(destination): the snapshot is not open") }
        statement.bind(columns)
        let next = Int32(columns.count + 1)
        statement.bind(next, blob: blob)
        statement.bind(next + 1, syncID)
        statement.bind(next + 2, discoveredAt())
        try statement.run()
    }

    /// Now, in Baton's layout; the date part is formatted once per second.
    private func discoveredAt() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        if now.tv_sec != clock.second { clock = (now.tv_sec, BatonTime.prefix(now.tv_sec)) }
        let micros = String(now.tv_nsec / 1000)
        return clock.prefix + "." + String(repeating: "0", count: 6 - micros.count) + micros
    }

    // MARK: - Files

    private func closeDatabase() {
        statements = [:]   // finalized before the connection closes
        database?.close()
        database = nil
    }

    private func removeDatabase() {
        unlink(databasePath)
        TemporaryFiles.unregister(databasePath)
    }
}
