import CSQLite
import Foundation

/// One SQLite connection: prepared statements, transactions and `PRAGMA` helpers, with
/// every failure a ``SQLiteError`` that names the file.
///
/// The one SQLite layer of the host: the SQLite snapshot sink and reader and the c1z
/// writer and reader use it, and so can a long-lived database (``enableWriteAheadLog()``
/// and ``setBusyTimeout(_:)`` for several processes at once). A connection is not
/// thread-safe: use it from one task at a time. Statements keep their connection open;
/// it closes when the last of them and the database value are gone, or on ``close()``.
final class SQLiteDatabase {
    /// How a file is opened.
    enum Mode {
        /// An existing database, read only.
        case readOnly
        /// An existing database, read and written.
        case readWrite
        /// The database, created when missing. (SQLite ignores `SQLITE_OPEN_EXCLUSIVE` for
        /// a database file, so a temp file's name must be fresh: ``AtomicFile/temporaryPath(beside:suffix:)``.)
        case create

        var flags: Int32 {
            switch self {
            case .readOnly: return SQLITE_OPEN_READONLY
            case .readWrite: return SQLITE_OPEN_READWRITE
            case .create: return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            }
        }
    }

    /// The file opened.
    let path: String
    /// The file as error messages name it.
    let name: String
    private var handle: OpaquePointer?

    /// Opens `path` in `mode`; messages name it `name` (default: `path`).
    init(path: String, mode: Mode, name: String? = nil) throws {
        self.path = path
        self.name = name ?? path
        var database: OpaquePointer?
        let result = sqlite3_open_v2(path, &database, mode.flags, nil)
        guard result == SQLITE_OK, let database else {
            let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(database)
            let what = self.name == path ? "cannot open" : "cannot open \(path)"
            throw SQLiteError(file: self.name, code: result & 0xFF, message: "\(what): \(message)")
        }
        handle = database
    }

    // close_v2: should a statement still be alive, the connection closes when it is finalized.
    deinit { close() }

    /// Closes the connection (after any statement still alive is finalized); later calls fail.
    func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    // MARK: - Statements

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(try connection(), sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw failure(message)
        }
    }

    /// Prepares one statement for repeated use.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(try connection(), sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw failure()
        }
        return SQLiteStatement(handle: statement, database: self)
    }

    /// Runs a query with text parameters `?1`, `?2`, … and maps each row.
    func rows<T>(_ sql: String, _ parameters: [String?] = [], _ transform: (SQLiteStatement) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        statement.bind(parameters)
        var result: [T] = []
        while try statement.step() { result.append(try transform(statement)) }
        return result
    }

    /// The first column of the first row as text, `nil` when there is no row or it is NULL.
    func value(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        try rows(sql, parameters) { $0.optionalText(0) }.first ?? nil
    }

    /// The rowid of the last row inserted on this connection.
    var lastInsertRowID: Int64 { handle.map(sqlite3_last_insert_rowid) ?? 0 }

    /// Rows changed by the last `INSERT`, `UPDATE` or `DELETE`.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    // MARK: - Transactions

    /// Starts a transaction; `immediate` takes the write lock now rather than at the first write.
    func begin(immediate: Bool = false) throws {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
    }

    /// Commits the open transaction.
    func commit() throws {
        try execute("COMMIT")
    }

    /// Rolls the open transaction back; a connection with none open is left as it is.
    func rollback() {
        if let handle, sqlite3_get_autocommit(handle) == 0 { _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(immediate: Bool = false, _ body: () throws -> T) throws -> T {
        try begin(immediate: immediate)
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            rollback()
            throw error
        }
    }

    // MARK: - Pragmas and schema

    /// `PRAGMA name` as text.
    func pragma(_ name: String) throws -> String? {
        try value("PRAGMA \(name)")
    }

    /// Sets `PRAGMA name = value` and returns what SQLite answers (e.g. the journal mode now in force).
    @discardableResult
    func setPragma(_ name: String, _ value: String) throws -> String? {
        try self.value("PRAGMA \(name) = \(value)")
    }

    /// `PRAGMA user_version`: the schema version an application keeps in the file.
    func userVersion() throws -> Int {
        Int(try pragma("user_version") ?? "0") ?? 0
    }

    /// Sets `PRAGMA user_version`.
    func setUserVersion(_ version: Int) throws {
        try setPragma("user_version", String(version))
    }

    /// No rollback journal and no syncing: for a temp file that is renamed into place (or
    /// thrown away) only when complete, where a crash leaves nothing worth recovering.
    func disableJournal() throws {
        try setPragma("journal_mode", "OFF")
        try setPragma("synchronous", "OFF")
    }

    /// Write-ahead logging with `synchronous = NORMAL`: readers and one writer at once, in
    /// this process or others, for a database that lives on between runs.
    func enableWriteAheadLog() throws {
        let mode = try setPragma("journal_mode", "WAL")
        guard mode?.lowercased() == "wal" else {
            throw SQLiteError(file: name, code: SQLITE_ERROR, message: "cannot use write-ahead logging (journal mode \(mode ?? "unknown"))")
        }
        try setPragma("synchronous", "NORMAL")
    }

    /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    func setBusyTimeout(_ seconds: TimeInterval) throws {
        let milliseconds = Int32(clamping: Int((max(0, seconds) * 1000).rounded()))
        guard sqlite3_busy_timeout(try connection(), milliseconds) == SQLITE_OK else { throw failure() }
    }

    /// The names of the tables in the database.
    func tables() throws -> Set<String> {
        Set(try rows("SELECT name FROM sqlite_master WHERE type = 'table'") { $0.text(0) })
    }

    /// The columns of `table`, empty when there is no such table.
    func columns(of table: String) throws -> Set<String> {
        Set(try rows("SELECT name FROM pragma_table_info(?1)", [table]) { $0.text(0) })
    }

    // MARK: - Errors

    /// The error for the connection's last failed call, or `message` with its code.
    func failure(_ message: String? = nil) -> SQLiteError {
        guard let handle else { return SQLiteError(file: name, code: SQLITE_MISUSE, message: "the database is closed") }
        return SQLiteError(file: name, code: sqlite3_errcode(handle) & 0xFF,
                           message: message ?? String(cString: sqlite3_errmsg(handle)))
    }

    private func connection() throws -> OpaquePointer {
        guard let handle else { throw failure() }
        return handle
    }
}
