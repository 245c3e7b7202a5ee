import ConnectorKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads one sync of a Baton `.c1z` v1 file (connhost's or a Baton connector's) into a
/// `Snapshot`, the way Baton's reader opens it.
///
/// The zstd frame is inflated, in a stream, into a temp file that is unlinked as soon as
/// SQLite has it open (so even a killed process leaves nothing behind). The sync read is
/// the latest finished `full` one (`order by ended_at desc, sync_id desc`), or the one
/// asked for; every table is filtered by it. Resource types, resources and entitlements
/// come from their protobuf blobs (`C1ZRecordDecoder`), grants from their columns, which
/// Baton keeps in step with the blob. Anything wrong (a v3 or damaged file, no finished
/// sync) is a `HostError.failed` with one line naming the file.
struct C1ZSnapshotReader {
    /// The file, for messages.
    let path: String
    /// Its mapped bytes.
    let data: Data
    /// The sync to read; `nil` for the latest finished full sync.
    let syncID: String?
    /// Where the database is inflated.
    let scratchDirectory: String

    /// Reads the chosen sync.
    func read() throws -> Snapshot {
        guard data.starts(with: C1ZSchema.magic) else {
            throw HostError.failed("\(path) is not a c1z v1 file (no C1ZF header)")
        }
        do {
            return try read(inflate())
        } catch let error as SQLiteError {
            throw error.hostError
        }
    }

    private func read(_ database: SQLiteDatabase) throws -> Snapshot {
        let tables = try database.tables()
        for table in ["v1_resource_types", "v1_resources", "v1_entitlements", "v1_grants", "v1_sync_runs"] where !tables.contains(table) {
            throw HostError.failed("\(path) is a c1z file, but its database has no table '\(table)' (damaged, or not written by Baton?)")
        }
        let (sync, startedAt) = try chooseSync(database)
        let decoder = C1ZRecordDecoder()

        let resourceTypes = try database.rows("SELECT id, external_id, data FROM v1_resource_types WHERE sync_id = ?1", [sync]) { row in
            try decode("resource type", row) { try decoder.resourceType($0) }
        }
        let resources = try database.rows("SELECT id, external_id, data, resource_type_id FROM v1_resources WHERE sync_id = ?1", [sync]) { row in
            var resource = try decode("resource", row) { try decoder.resource($0) }
            // A blob without its id (never written by Baton's SDK) still has the columns.
            if resource.type.isEmpty { resource.type = row.text(3) }
            if resource.id.isEmpty {
                let external = row.text(1)
                resource.id = external.hasPrefix(resource.type + ":") ? String(external.dropFirst(resource.type.count + 1)) : external
            }
            return resource
        }
        let entitlements = try database.rows("SELECT id, external_id, data FROM v1_entitlements WHERE sync_id = ?1", [sync]) { row in
            var entitlement = try decode("entitlement", row) { try decoder.entitlement($0) }
            if entitlement.id.isEmpty { entitlement.id = row.text(1) }
            return entitlement
        }
        let grants = try database.rows("""
            SELECT external_id, entitlement_id, principal_resource_type_id, principal_resource_id
            FROM v1_grants WHERE sync_id = ?1
            """, [sync]) { row in
            var grant = Grant(entitlementID: row.text(1), principal: ResourceReference(type: row.text(2), id: row.text(3)))
            if !row.text(0).isEmpty { grant.id = row.text(0) }
            return grant
        }
        return Snapshot(connector: try connector(database, tables: tables, sync: sync), syncedAt: startedAt.flatMap(BatonTime.date),
                        resourceTypes: resourceTypes, resources: resources, entitlements: entitlements, grants: grants)
    }

    // MARK: - Steps

    /// Inflates the frame into a temp file and opens it read-only.
    private func inflate() throws -> SQLiteDatabase {
        let temporary = (scratchDirectory as NSString)
            .appendingPathComponent("connhost-c1z-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite")
        let descriptor = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw HostError.failed("cannot create \(temporary) to read \(path): \(String(cString: strerror(errno)))")
        }
        TemporaryFiles.register(temporary)
        defer {
            unlink(temporary)
            TemporaryFiles.unregister(temporary)
        }
        do {
            defer { close(descriptor) }
            try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                _ = try Zstd.decompress(UnsafeRawBufferPointer(rebasing: bytes[C1ZSchema.magic.count...]), to: descriptor)
            }
            var header = [UInt8](repeating: 0, count: 100)
            let count = pread(descriptor, &header, header.count, 0)
            guard count == header.count, header.starts(with: Array("SQLite format 3\0".utf8)) else {
                throw HostError.failed("\(path): the c1z's zstd frame does not hold a SQLite database")
            }
            // A database last written in WAL mode would want a -wal file to open; the c1z
            // holds the checkpointed file alone, so mark it as a rollback-journal one.
            if header[18] == 2 || header[19] == 2 {
                var legacy: [UInt8] = [1, 1]
                _ = pwrite(descriptor, &legacy, 2, 18)
            }
        } catch let failure as Zstd.Failure {
            throw HostError.failed("\(path): \(failure)")
        }
        let database = try SQLiteDatabase(path: temporary, mode: .readOnly, name: path)
        _ = try database.rows("SELECT count(*) FROM sqlite_master") { $0.integer(0) }
        return database
    }

    /// The sync to read and when it started.
    private func chooseSync(_ database: SQLiteDatabase) throws -> (String, String?) {
        let columns = try database.columns(of: "v1_sync_runs")
        // Files from before sync types existed hold only full syncs.
        let type = columns.contains("sync_type") ? "sync_type" : "'full'"
        let runs = try database.rows("SELECT sync_id, started_at, ended_at, \(type) FROM v1_sync_runs ORDER BY id") { row in
            (id: row.text(0), startedAt: row.optionalText(1), endedAt: row.optionalText(2), type: row.text(3))
        }
        func listing() -> String {
            let shown = runs.suffix(5).map { "\($0.id) (\($0.type), \($0.endedAt == nil ? "unfinished" : "ended \($0.endedAt!)"))" }
            return (runs.count > 5 ? "…, " : "") + shown.joined(separator: ", ")
        }
        if let syncID {
            guard let run = runs.first(where: { $0.id == syncID }) else {
                throw HostError.failed("\(path) has no sync '\(syncID)'; its syncs: \(runs.isEmpty ? "none" : listing())")
            }
            return (run.id, run.startedAt)
        }
        guard !runs.isEmpty else {
            throw HostError.failed("\(path) holds no sync (its v1_sync_runs table is empty)")
        }
        let latest = try database.rows("""
            SELECT sync_id, started_at FROM v1_sync_runs WHERE ended_at IS NOT NULL AND \(type) = 'full'
            ORDER BY ended_at DESC, sync_id DESC LIMIT 1
            """) { ($0.text(0), $0.optionalText(1)) }
        guard let chosen = latest.first else {
            throw HostError.failed("\(path) has no finished full sync (syncs: \(listing())); pick one with --sync-id")
        }
        return chosen
    }

    /// The connector connhost noted in the sync's session rows; Baton's own files do not
    /// name their connector.
    private func connector(_ database: SQLiteDatabase, tables: Set<String>, sync: String) throws -> String {
        guard tables.contains("v1_connector_sessions") else { return Self.unknownConnector }
        let values = try database.rows("SELECT value FROM v1_connector_sessions WHERE sync_id = ?1 AND key = ?2",
                                       [sync, C1ZSchema.connectorKey]) { String(decoding: $0.blob(0), as: UTF8.self) }
        return values.first ?? Self.unknownConnector
    }

    /// The connector name of a c1z that does not record one.
    static let unknownConnector = "unknown"

    /// Decodes the `data` blob of a row whose columns are `id, external_id, data`.
    private func decode<T>(_ what: String, _ row: SQLiteStatement, _ body: ([UInt8]) throws -> T) throws -> T {
        do {
            return try body(row.blob(2))
        } catch let failure as ProtobufReader.Failure {
            throw HostError.failed("\(path): the data of \(what) row \(row.integer(0)) (\(row.text(1))) is not valid protobuf: \(failure)")
        }
    }
}
