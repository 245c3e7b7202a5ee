import ConnectorKit
import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The staging file of a resumable sync: every record written so far and the position to
/// continue from, in one SQLite database next to the output.
///
/// Records and position change together: records go into an open transaction and
/// ``save(_:)`` writes the position and commits, so a process killed at any moment leaves
/// the records of whole pages and the position after them (SQLite rolls the rest back on
/// the next open). WAL with `synchronous = NORMAL`: a commit survives the process, not
/// necessarily a power cut, which costs no more than a full sync.
///
/// The file is `.<instance>.resume.sqlite` (plus SQLite's `-wal` and `-shm`), which the
/// stale-temp-file clean-up of ``AtomicFile`` never matches. An exclusive `flock` on it
/// keeps two syncs of one instance from sharing it. This is the only file that talks to
/// SQLite for checkpoints; its surface is what a shared SQLite wrapper would have to offer.
final class CheckpointStore {
    /// The schema version (`PRAGMA user_version`).
    static let schemaVersion: Int32 = 1

    /// What an earlier run left.
    struct Saved {
        var identity: CheckpointIdentity
        var syncID: String
        var startedAt: Date
        var updatedAt: Date
        var position: SyncCheckpoint
        var records: Int
    }

    /// The staging file of `instance` for outputs in `directory`.
    static func path(instance: String, directory: String) -> String {
        ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(".\(instance).resume.sqlite")
    }

    let path: String
    private var lock: Int32 = -1
    private var database: OpaquePointer?
    private var insertRecord: OpaquePointer?
    private var inTransaction = false
    private let encoder = RecordEncoder()
    private var recordBytes: [UInt8] = []

    /// Opens (or creates) the staging file and takes its lock.
    init(path: String) throws {
        self.path = path
        try AtomicFile.requireDirectory(of: path)
        lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard lock >= 0 else {
            throw HostError.failed("cannot open the checkpoint \(path): \(String(cString: strerror(errno)))")
        }
        // A few tries: a child this process is just spawning holds a copy of every descriptor
        // until it execs, and with it the lock of a store that was closed a moment ago.
        var tries = 0
        while flock(lock, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK && tries < 20 {
            tries += 1
            usleep(25_000)
        }
        guard tries < 20 else {
            Glibc.close(lock)
            lock = -1
            throw HostError.failed("another sync of this instance is running with the checkpoint \(path)")
        }
        guard sqlite3_open_v2(path, &database, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            close()
            throw HostError.failed("cannot open the checkpoint \(path): \(message)")
        }
        sqlite3_busy_timeout(database, 1000)
    }

    /// The checkpoint in the file; `nil` when the file is new or was cleared. Throws when
    /// the file is not a staging file this version can read.
    func saved() throws -> Saved? {
        try execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        let version = try scalarInt("PRAGMA user_version")
        let tables = try scalarInt("SELECT count(*) FROM sqlite_master")
        if version == 0 && tables == 0 { return nil }
        guard version == Int(Self.schemaVersion) else {
            throw HostError.failed("staging schema \(version), expected \(Self.schemaVersion)")
        }
        let row = try query("""
            SELECT sync_id, plugin, plugin_version, config, started_at, updated_at, type_index, type_id, page_token,
                   page_number, resources_done, resource_id, child_listing, child_token FROM checkpoint WHERE id = 1
            """)
        guard let row else { return nil }
        guard let hashes = try? JSONDecoder().decode([String: String].self, from: Data((row[3] ?? "{}").utf8)),
              let started = row[4].flatMap(Double.init), let updated = row[5].flatMap(Double.init),
              let typeIndex = row[6].flatMap(Int.init), typeIndex >= 0, let typeID = row[7],
              let pageNumber = row[9].flatMap(Int.init), pageNumber >= 1,
              let done = row[10].flatMap(Int.init), done >= 0 else {
            throw HostError.failed("the checkpoint row is damaged")
        }
        var child: SyncCheckpoint.Child?
        switch (row[12], row[13]) {
        case (nil, _): child = nil
        case ("entitlements", let token?): child = .entitlements(after: PageToken(rawValue: token))
        case ("grants", let token): child = .grants(from: token.map(PageToken.init(rawValue:)))
        default: throw HostError.failed("the checkpoint names an unknown child listing")
        }
        let position = SyncCheckpoint(typeIndex: typeIndex, typeID: typeID, pageToken: row[8].map(PageToken.init(rawValue:)),
                                      pageNumber: pageNumber, resourcesDone: done, resourceID: row[11], child: child)
        return Saved(identity: CheckpointIdentity(plugin: row[1] ?? "", version: row[2] ?? "", configHashes: hashes),
                     syncID: row[0] ?? "", startedAt: Date(timeIntervalSince1970: started),
                     updatedAt: Date(timeIntervalSince1970: updated), position: position,
                     records: try scalarInt("SELECT count(*) FROM records"))
    }

    /// Forgets everything and starts a checkpoint for a new sync at `position`.
    func start(identity: CheckpointIdentity, syncID: String, position: SyncCheckpoint) throws {
        rollback()
        try execute("""
            PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
            DROP TABLE IF EXISTS checkpoint; DROP TABLE IF EXISTS records;
            CREATE TABLE checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), sync_id TEXT NOT NULL, plugin TEXT NOT NULL,
              plugin_version TEXT NOT NULL, config TEXT NOT NULL, started_at REAL NOT NULL, updated_at REAL NOT NULL,
              type_index INTEGER NOT NULL, type_id TEXT NOT NULL, page_token TEXT, page_number INTEGER NOT NULL,
              resources_done INTEGER NOT NULL, resource_id TEXT, child_listing TEXT, child_token TEXT);
            CREATE TABLE records (seq INTEGER PRIMARY KEY, record BLOB NOT NULL);
            PRAGMA user_version = \(Self.schemaVersion);
            """)
        let config = String(decoding: try encoder.encode(identity.configHashes), as: UTF8.self)
        let now = String(Date().timeIntervalSince1970)
        try run("INSERT INTO checkpoint (id, sync_id, plugin, plugin_version, config, started_at, updated_at, type_index, type_id, page_number, resources_done) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?5, 0, ?6, 1, 0)",
                [syncID, identity.plugin, identity.version, config, now, position.typeID])
        try save(position)
    }

    /// Stages one record; it is kept once the next ``save(_:)`` commits.
    func append(_ record: SnapshotRecord) throws {
        try beginIfNeeded()
        if insertRecord == nil { insertRecord = try prepare("INSERT INTO records (record) VALUES (?1)") }
        try StagedRecordCodec.encode(record, into: &recordBytes)
        let statement = insertRecord!
        recordBytes.withUnsafeBytes { _ = sqlite3_bind_blob(statement, 1, $0.baseAddress, Int32($0.count), Self.transient) }
        let result = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard result == SQLITE_DONE else { throw failure() }
    }

    /// Writes `position` and commits it together with the records appended since the last save.
    func save(_ position: SyncCheckpoint) throws {
        try beginIfNeeded()
        let child: (String?, String?) = switch position.child {
        case nil: (nil, nil)
        case .entitlements(let token): ("entitlements", token.rawValue)
        case .grants(let token): ("grants", token?.rawValue)
        }
        try run("""
            UPDATE checkpoint SET updated_at = ?1, type_index = ?2, type_id = ?3, page_token = ?4, page_number = ?5,
              resources_done = ?6, resource_id = ?7, child_listing = ?8, child_token = ?9 WHERE id = 1
            """, [String(Date().timeIntervalSince1970), String(position.typeIndex), position.typeID, position.pageToken?.rawValue,
                  String(position.pageNumber), String(position.resourcesDone), position.resourceID, child.0, child.1])
        try execute("COMMIT")
        inTransaction = false
    }

    /// Calls `body` with every kept record, in the order they were written.
    func forEachRecord(_ body: (SnapshotRecord) throws -> Void) throws {
        let statement = try prepare("SELECT record FROM records ORDER BY seq")
        defer { sqlite3_finalize(statement) }
        while true {
            let result = sqlite3_step(statement)
            if result == SQLITE_DONE { return }
            guard result == SQLITE_ROW else { throw failure() }
            let count = Int(sqlite3_column_bytes(statement, 0))
            guard let bytes = sqlite3_column_blob(statement, 0) else { throw HostError.failed("checkpoint \(path): an empty staged record") }
            try body(try StagedRecordCodec.decode(UnsafeRawBufferPointer(start: bytes, count: count)))
        }
    }

    /// Drops what was appended since the last save.
    func rollback() {
        if inTransaction { _ = sqlite3_exec(database, "ROLLBACK", nil, nil, nil) }
        inTransaction = false
    }

    /// Rolls back what is uncommitted and closes the file; the checkpoint stays for the next run.
    func close() {
        rollback()
        if let insertRecord { sqlite3_finalize(insertRecord) }
        insertRecord = nil
        if let database { sqlite3_close(database) }
        database = nil
        if lock >= 0 { Glibc.close(lock) }
        lock = -1
    }

    /// Closes and deletes the staging file with SQLite's companions.
    func remove() {
        if let insertRecord { sqlite3_finalize(insertRecord) }
        insertRecord = nil
        // Closing would first copy the whole WAL (every staged record) into the file.
        if let database { _ = connhost_sqlite3_skip_checkpoint_on_close(database); sqlite3_close(database) }
        database = nil
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
        close()
    }

    deinit { close() }

    // MARK: - SQLite plumbing

    private func beginIfNeeded() throws {
        if !inTransaction {
            try execute("BEGIN IMMEDIATE")
            inTransaction = true
        }
    }

    private func failure() -> HostError {
        HostError.failed("checkpoint \(path): SQLite: \(database.map { String(cString: sqlite3_errmsg($0)) } ?? "closed")")
    }

    private func execute(_ sql: String) throws {
        guard database != nil else { throw failure() }
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(database, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw HostError.failed("checkpoint \(path): SQLite: \(message)")
        }
    }

    private func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard database != nil, sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw failure()
        }
        return statement
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func step(_ statement: OpaquePointer, _ values: [String?]) throws {
        for (index, value) in values.enumerated() {
            if let value {
                sqlite3_bind_text(statement, Int32(index + 1), value, -1, Self.transient)
            } else {
                sqlite3_bind_null(statement, Int32(index + 1))
            }
        }
        let result = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard result == SQLITE_DONE || result == SQLITE_ROW else { throw failure() }
    }

    private func run(_ sql: String, _ values: [String?]) throws {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        try step(statement, values)
    }

    /// The first row of `sql` as text columns; `nil` when there is none.
    private func query(_ sql: String) throws -> [String?]? {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        let result = sqlite3_step(statement)
        if result == SQLITE_DONE { return nil }
        guard result == SQLITE_ROW else { throw failure() }
        return (0..<sqlite3_column_count(statement)).map { column in
            sqlite3_column_text(statement, column).map { String(cString: $0) }
        }
    }

    private func scalarInt(_ sql: String) throws -> Int {
        guard let row = try query(sql), let text = row.first ?? nil, let value = Int(text) else { throw failure() }
        return value
    }
}
