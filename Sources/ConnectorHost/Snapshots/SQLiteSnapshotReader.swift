import ConnectorKit
import Foundation

/// Reads the tables `SQLiteSnapshotSink` writes back into a `Snapshot`.
///
/// Opens the file read-only and checks, before trusting any row, that the file is as
/// long as its header says (a truncated copy), that it has every snapshot table, and
/// that a `sync_runs` row marks the snapshot complete.
struct SQLiteSnapshotReader {
    let path: String
    /// The file's size in bytes, for the truncation check.
    let size: Int

    func read() throws -> Snapshot {
        try checkLength()
        do {
            return try read(SQLiteDatabase(path: path, mode: .readOnly))
        } catch let error as SQLiteError {
            throw error.hostError
        }
    }

    private func read(_ database: SQLiteDatabase) throws -> Snapshot {
        let tables = try database.tables()
        for table in ["resource_types", "resources", "entitlements", "grants", "sync_runs"] where !tables.contains(table) {
            throw HostError.failed("\(path) is an SQLite database but not a connhost snapshot (no table '\(table)')")
        }
        let version = try database.userVersion()
        guard version <= Int(SQLiteSnapshotSink.schemaVersion) else {
            throw HostError.failed("\(path) has snapshot schema version \(version); this connhost reads up to \(SQLiteSnapshotSink.schemaVersion)")
        }
        // The sink adds the run last, in the same transaction: no run, no complete snapshot.
        guard let run = try database.rows("SELECT connector, started_at FROM sync_runs ORDER BY id DESC LIMIT 1", [], {
            ($0.text(0), $0.text(1))
        }).first else {
            throw HostError.failed("\(path) is an incomplete snapshot: its sync_runs table is empty")
        }

        let resourceTypes = try database.rows("SELECT id, display_name, traits FROM resource_types") { row in
            ResourceType(id: row.text(0), displayName: row.text(1),
                         traits: try json([String].self, row.text(2), "traits of resource type \(row.text(0))")
                            .map(ResourceTrait.init(rawValue:)))
        }
        let resources = try database.rows("SELECT type, id, display_name, parent_type, parent_id, profile FROM resources") { row in
            let parent = row.optionalText(3).flatMap { type in row.optionalText(4).map { ResourceReference(type: type, id: $0) } }
            return Resource(type: row.text(0), id: row.text(1), displayName: row.text(2), parent: parent,
                            profile: try json([String: String].self, row.text(5), "profile of \(row.text(0)):\(row.text(1))"))
        }
        let entitlements = try database.rows("SELECT id, resource_type, resource_id, slug, display_name, purpose FROM entitlements") { row in
            guard let purpose = Entitlement.Purpose(rawValue: row.text(5)) else {
                throw HostError.failed("\(path): entitlement \(row.text(0)) has unknown purpose '\(row.text(5))'")
            }
            var entitlement = Entitlement(resource: ResourceReference(type: row.text(1), id: row.text(2)),
                                          slug: row.text(3), displayName: row.text(4), purpose: purpose)
            entitlement.id = row.text(0)
            return entitlement
        }
        let grants = try database.rows("SELECT id, entitlement_id, principal_type, principal_id FROM grants") { row in
            var grant = Grant(entitlementID: row.text(1), principal: ResourceReference(type: row.text(2), id: row.text(3)))
            grant.id = row.text(0)
            return grant
        }
        let syncedAt = ISO8601DateFormatter().date(from: run.1)
        return Snapshot(connector: run.0, syncedAt: syncedAt, resourceTypes: resourceTypes,
                        resources: resources, entitlements: entitlements, grants: grants)
    }

    /// Parses a JSON column. JSONSerialization rather than JSONDecoder: decoding a
    /// `[String: String]` through Codable costs several times more, once per resource.
    private func json<T>(_ type: T.Type, _ text: String, _ what: String) throws -> T {
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? T else {
            throw HostError.failed("\(path): the \(what) is not valid JSON of the expected shape")
        }
        return value
    }

    /// Compares the file size with the page count in the header, which SQLite itself
    /// would only notice when a query reaches a missing page.
    private func checkLength() throws {
        guard size >= 100 else {
            throw HostError.failed("\(path) is truncated (\(size) bytes, shorter than an SQLite header)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HostError.failed("cannot read \(path)")
        }
        defer { try? handle.close() }
        let header = [UInt8](handle.readData(ofLength: 100))
        guard header.count == 100 else { return }
        func bigEndian(_ offset: Int, _ count: Int) -> Int {
            header[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
        }
        let rawPageSize = bigEndian(16, 2)
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        let pageCount = bigEndian(28, 4)
        // The header's page count is valid only when its change counter matches offset 92.
        guard bigEndian(24, 4) == bigEndian(92, 4), pageCount > 0 else { return }
        if size < pageSize * pageCount {
            throw HostError.failed("\(path) is truncated (\(size) of \(pageSize * pageCount) bytes)")
        }
    }
}
