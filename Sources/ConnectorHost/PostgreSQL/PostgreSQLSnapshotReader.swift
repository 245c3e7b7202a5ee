import ConnectorKit
import Foundation

/// Reads one sync that `PostgreSQLSnapshotSink` committed back into a `Snapshot`.
///
/// Which sync: `?sync=<id>` (or `syncID`), else the latest successful sync of
/// `?connector=<name>`, else the latest successful sync of any connector. All of it is
/// read in one read-only snapshot transaction.
public struct PostgreSQLSnapshotReader {
    /// The database.
    public let url: PostgreSQLURL
    /// The sync to read; `nil` for the latest.
    public let syncID: String?

    /// A reader of `url`; `syncID`, when given, wins over the URL's `?sync=`.
    public init(url: PostgreSQLURL, syncID: String? = nil) throws {
        self.url = url
        if let syncID, Int64(syncID) == nil {
            throw HostError.usage("a PostgreSQL sync id is a number, not '\(url.redact(syncID))'")
        }
        self.syncID = syncID ?? url.syncID
    }

    /// Reads the chosen sync.
    public func read() throws -> Snapshot {
        let connection = try PostgreSQLConnection(url: url)
        defer { connection.close() }
        guard let version = try PostgreSQLSchema.installedVersion(connection) else {
            throw HostError.failed("\(url) holds no connhost snapshots (no connhost_schema table)")
        }
        guard version <= PostgreSQLSchema.version else {
            throw HostError.failed("\(url) has connhost schema version \(version); this connhost reads up to \(PostgreSQLSchema.version)")
        }
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { try? connection.execute("ROLLBACK") }

        let columns = "sync_id, connector, extract(epoch FROM started_at), status"
        let run: [String?]
        if let syncID {
            guard let found = try connection.rows("SELECT \(columns) FROM sync_runs WHERE sync_id = $1", [syncID]).first else {
                throw HostError.failed("\(url) has no sync \(syncID)")
            }
            guard found[3] == "succeeded" else {
                throw HostError.failed("sync \(syncID) in \(url) did not succeed (\(found[3] ?? "unknown")); it has no snapshot")
            }
            run = found
        } else if let connector = url.connector {
            guard let found = try connection.rows("SELECT \(columns) FROM latest_syncs WHERE connector = $1", [connector]).first else {
                throw HostError.failed("\(url) has no successful sync of connector '\(connector)'")
            }
            run = found
        } else {
            guard let found = try connection.rows("SELECT \(columns) FROM latest_syncs ORDER BY finished_at DESC, sync_id DESC LIMIT 1").first else {
                throw HostError.failed("\(url) has no successful sync yet")
            }
            run = found
        }
        let id = [run[0]]

        let resourceTypes = try connection.rows("SELECT id, display_name, traits FROM resource_types WHERE sync_id = $1", id).map { row in
            ResourceType(id: row[0] ?? "", displayName: row[1] ?? "",
                         traits: try json([String].self, row[2], "traits of resource type \(row[0] ?? "")").map(ResourceTrait.init(rawValue:)))
        }
        let resources = try connection.rows("SELECT type, id, display_name, parent_type, parent_id, profile FROM resources WHERE sync_id = $1", id).map { row in
            let parent = row[3].flatMap { type in row[4].map { ResourceReference(type: type, id: $0) } }
            return Resource(type: row[0] ?? "", id: row[1] ?? "", displayName: row[2] ?? "", parent: parent,
                            profile: try json([String: String].self, row[5], "profile of \(row[0] ?? ""):\(row[1] ?? "")"))
        }
        let entitlements = try connection.rows("SELECT id, resource_type, resource_id, slug, display_name, purpose FROM entitlements WHERE sync_id = $1", id).map { row in
            guard let purpose = row[5].flatMap(Entitlement.Purpose.init(rawValue:)) else {
                throw HostError.failed("\(url): entitlement \(row[0] ?? "") has unknown purpose '\(row[5] ?? "")'")
            }
            var entitlement = Entitlement(resource: ResourceReference(type: row[1] ?? "", id: row[2] ?? ""),
                                          slug: row[3] ?? "", displayName: row[4] ?? "", purpose: purpose)
            entitlement.id = row[0] ?? ""
            return entitlement
        }
        let grants = try connection.rows("SELECT id, entitlement_id, principal_type, principal_id FROM grants WHERE sync_id = $1", id).map { row in
            var grant = Grant(entitlementID: row[1] ?? "", principal: ResourceReference(type: row[2] ?? "", id: row[3] ?? ""))
            grant.id = row[0] ?? ""
            return grant
        }
        return Snapshot(connector: run[1] ?? "", syncedAt: run[2].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)),
                        resourceTypes: resourceTypes, resources: resources, entitlements: entitlements, grants: grants)
    }

    /// Parses a `jsonb` column (JSONSerialization: much cheaper than Codable per row).
    private func json<T>(_ type: T.Type, _ text: String?, _ what: String) throws -> T {
        guard let value = try? JSONSerialization.jsonObject(with: Data((text ?? "").utf8)) as? T else {
            throw HostError.failed("\(url): the \(what) is not JSON of the expected shape")
        }
        return value
    }
}
