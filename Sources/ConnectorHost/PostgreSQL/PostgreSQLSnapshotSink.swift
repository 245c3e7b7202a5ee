import ConnectorKit
import Foundation

/// Writes snapshots into a shared PostgreSQL database (`--output postgresql://…`).
///
/// One transaction per sync: `begin` opens it and adds a `running` row to `sync_runs`,
/// records are bulk-loaded with `COPY … FROM STDIN` under that row's `sync_id`, and
/// `commit` marks the run `succeeded` and commits. Until then no other session sees any
/// of it, so a failed or killed sync leaves nothing behind (the server rolls back when
/// the connection drops) and concurrent syncs, from this machine or others, never mix.
///
/// One COPY is open at a time. Rows of its table stream straight into it (the server
/// inserts while the next rows are encoded); rows of other tables wait in small buffers
/// until they hold `flushThreshold` bytes together, and are then sent as one COPY per
/// table. Memory stays flat however large the tenant, and a tenant whose records come
/// one table after the other (users, then teams) costs a handful of COPYs.
public final class PostgreSQLSnapshotSink: SnapshotSink {
    /// Bytes buffered, over all tables, before they are sent.
    static let flushThreshold = 256 * 1024
    /// Bytes of the open COPY's rows gathered before one `PQputCopyData` call.
    static let sendSize = 64 * 1024
    /// Consecutive rows of another table after which the open COPY moves to that table.
    static let switchAfter = 64

    private let url: PostgreSQLURL
    private var connection: PostgreSQLConnection?
    private var syncID = ""
    private var connector = ""
    private var pluginVersion = ""
    private var buffers = Table.allCases.map { _ in [UInt8]() }
    private var buffered = 0
    /// The table whose COPY is open, and its rows not yet handed to libpq.
    private var streaming: Table?
    private var pending: [UInt8] = []
    /// The table of the latest rows that went to a buffer, and how many came in a row.
    private var run: (table: Table, length: Int)?

    /// The `sync_id` of the last committed sync, for messages and tests.
    public private(set) var committedSyncID: Int64?

    /// The tables rows are copied into, with their columns in COPY order.
    private enum Table: Int, CaseIterable {
        case resourceTypes, resources, entitlements, grants

        var copyStatement: String {
            switch self {
            case .resourceTypes: return "COPY resource_types (sync_id, id, display_name, traits) FROM STDIN"
            case .resources: return "COPY resources (sync_id, type, id, display_name, parent_type, parent_id, profile) FROM STDIN"
            case .entitlements: return "COPY entitlements (sync_id, id, resource_type, resource_id, slug, display_name, purpose) FROM STDIN"
            case .grants: return "COPY grants (sync_id, id, entitlement_id, principal_type, principal_id) FROM STDIN"
            }
        }
    }

    /// Creates a sink that will write into the database at `url` (connected on `begin`).
    public init(url: PostgreSQLURL) {
        self.url = url
    }

    public func begin(connector: String, pluginVersion: String) throws {
        let connection = try PostgreSQLConnection(url: url)
        self.connection = connection
        // `?connector=acme` records the run under the instance name the user chose.
        self.connector = url.connector ?? connector
        self.pluginVersion = pluginVersion
        var opened = false
        defer { if !opened { abort() } }
        try PostgreSQLSchema.migrate(connection)
        try connection.execute("BEGIN")
        syncID = try connection.rows("INSERT INTO sync_runs (connector, plugin_version, started_at, status) VALUES ($1, $2, now(), 'running') RETURNING sync_id",
                                     [self.connector, pluginVersion])[0][0] ?? ""
        opened = true
    }

    public func write(_ record: SnapshotRecord) throws {
        switch record {
        case .resourceType(let type):
            try append(.resourceTypes, [type.id, type.displayName, Self.jsonArray(type.traits.map(\.rawValue))])
        case .resource(let resource):
            try append(.resources, [resource.type, resource.id, resource.displayName, resource.parent?.type, resource.parent?.id,
                                RecordEncoder.jsonObject(resource.profile)])
        case .entitlement(let entitlement):
            try append(.entitlements, [entitlement.id, entitlement.resource.type, entitlement.resource.id, entitlement.slug,
                                   entitlement.displayName, entitlement.purpose.rawValue])
        case .grant(let grant):
            try append(.grants, [grant.id, grant.entitlement, grant.principal.type, grant.principal.id])
        }
        if pending.count >= Self.sendSize { try send() }
        if buffered >= Self.flushThreshold { try flush() }
    }

    public func commit(_ summary: SyncSummary) throws {
        do {
            guard let connection else { throw HostError.failed("PostgreSQL: the snapshot is not open") }
            try flush()
            let encoder = RecordEncoder()
            func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
            try connection.execute("""
                UPDATE sync_runs SET status = 'succeeded', started_at = to_timestamp($2), finished_at = to_timestamp($3),
                  resource_counts = $4, entitlements = $5, grants = $6, requests = $7, retries = $8, warnings = $9
                WHERE sync_id = $1
                """, [syncID, String(summary.startedAt.timeIntervalSince1970), String(summary.endedAt.timeIntervalSince1970),
                      try json(summary.resources), String(summary.entitlements), String(summary.grants),
                      String(summary.requests), String(summary.retries), try json(summary.warnings)])
            try connection.execute("COMMIT")
            committedSyncID = Int64(syncID)
            connection.close()
            self.connection = nil
        } catch {
            abort()
            throw error
        }
    }

    /// Rolls the sync back, then records it as `failed` (without rows) when the server
    /// is still there, so that the run history shows it.
    public func abort() {
        guard let connection else { return }
        self.connection = nil
        buffers = buffers.map { _ in [] }
        buffered = 0
        pending = []
        run = nil
        // An open COPY is abandoned first: ROLLBACK is refused while one is in progress.
        if streaming != nil { _ = try? connection.endCopy(abandoning: "connhost: sync aborted") }
        streaming = nil
        if (try? connection.execute("ROLLBACK")) != nil, !syncID.isEmpty {
            try? connection.execute("INSERT INTO sync_runs (connector, plugin_version, started_at, finished_at, status) VALUES ($1, $2, now(), now(), 'failed')",
                                    [connector, pluginVersion])
        }
        connection.close()
    }

    deinit { abort() }

    // MARK: - COPY text format

    /// Hands the open COPY's gathered rows to libpq.
    private func send() throws {
        guard let connection, !pending.isEmpty else { return }
        try connection.putCopyData(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Ends the open COPY, then sends every buffered row, one COPY per table that has any.
    private func flush() throws {
        guard let connection else { throw HostError.failed("PostgreSQL: the snapshot is not open") }
        if streaming != nil {
            try send()
            streaming = nil
            try connection.endCopy()
        }
        for table in Table.allCases where !buffers[table.rawValue].isEmpty {
            try connection.beginCopy(table.copyStatement)
            try connection.putCopyData(buffers[table.rawValue])
            try connection.endCopy()
            buffers[table.rawValue].removeAll(keepingCapacity: true)
        }
        buffered = 0
    }

    /// Adds one row, `sync_id` first, in COPY's text format: to the open COPY when it is
    /// this table's (opening one when none is), else to the table's buffer. A long run of
    /// one other table's rows (the users after the resource types) moves the COPY there.
    private func append(_ table: Table, _ fields: [String?]) throws {
        guard let connection else { throw HostError.failed("PostgreSQL: the snapshot is not open") }
        if streaming == nil {
            try connection.beginCopy(table.copyStatement)
            streaming = table
        }
        if streaming == table {
            Self.encode(syncID, fields, to: &pending)
            run = nil
            return
        }
        let before = buffers[table.rawValue].count
        Self.encode(syncID, fields, to: &buffers[table.rawValue])
        buffered += buffers[table.rawValue].count - before
        run = run?.table == table ? (table, run!.length + 1) : (table, 1)
        if let run, run.length >= Self.switchAfter {
            try send()
            try connection.endCopy()
            try connection.beginCopy(table.copyStatement)
            streaming = table
            swap(&pending, &buffers[table.rawValue])
            buffered -= pending.count
            self.run = nil
        }
    }

    /// One row: the sync id, then the fields, tab-separated, `\N` for NULL.
    private static func encode(_ syncID: String, _ fields: [String?], to bytes: inout [UInt8]) {
        bytes.append(contentsOf: syncID.utf8)
        for field in fields {
            bytes.append(0x09)
            if let field { appendEscaped(field, to: &bytes) } else { bytes.append(contentsOf: [0x5C, 0x4E]) }
        }
        bytes.append(0x0A)
    }

    /// `text` with the characters COPY's text format gives a meaning escaped: backslash,
    /// tab (the delimiter), newline and carriage return (row ends).
    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            default: bytes.append(byte)
            }
        }
    }

    /// A JSON array of strings, as `RecordEncoder` writes it.
    static func jsonArray(_ values: [String]) -> String {
        (try? String(decoding: RecordEncoder().encode(values), as: UTF8.self)) ?? "[]"
    }
}
