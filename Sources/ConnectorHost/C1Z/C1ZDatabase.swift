import CSQLite
import Foundation

/// A SQLite connection as the c1z writer and reader use it: prepared statements with
/// text, blob and integer columns, and errors that name the file.
final class C1ZDatabase {
    /// One prepared statement; finalized when it goes away.
    final class Statement {
        let handle: OpaquePointer
        unowned let database: C1ZDatabase

        init(handle: OpaquePointer, database: C1ZDatabase) {
            self.handle = handle
            self.database = database
        }

        deinit { sqlite3_finalize(handle) }

        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        /// Binds `value` (or NULL) to parameter `index` (1-based).
        func bind(_ index: Int32, _ value: String?) {
            if let value {
                sqlite3_bind_text(handle, index, value, -1, Self.transient)
            } else {
                sqlite3_bind_null(handle, index)
            }
        }

        /// Binds a blob; an empty one is bound as a zero-length blob, not NULL (the
        /// `data` columns are NOT NULL, and an empty message is valid protobuf).
        func bind(_ index: Int32, blob: [UInt8]) {
            blob.withUnsafeBytes { bytes in
                _ = sqlite3_bind_blob64(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                                        sqlite3_uint64(bytes.count), Self.transient)
            }
        }

        /// Runs a statement that returns no rows, then resets it for the next use.
        func run() throws {
            let result = sqlite3_step(handle)
            sqlite3_reset(handle)
            guard result == SQLITE_DONE else { throw database.failure() }
        }

        /// Steps to the next row: `true` on a row, `false` when done.
        func step() throws -> Bool {
            switch sqlite3_step(handle) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw database.failure()
            }
        }

        func text(_ column: Int32) -> String {
            sqlite3_column_text(handle, column).map { String(cString: $0) } ?? ""
        }

        func optionalText(_ column: Int32) -> String? {
            sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : text(column)
        }

        func blob(_ column: Int32) -> [UInt8] {
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
            return Array(UnsafeRawBufferPointer(start: bytes, count: count))
        }

        func integer(_ column: Int32) -> Int64 {
            sqlite3_column_int64(handle, column)
        }
    }

    let handle: OpaquePointer
    /// What error messages start with, e.g. `SQLite` or `big.c1z: SQLite`.
    let label: String

    /// Opens (or with `SQLITE_OPEN_CREATE`, creates) the database at `path`.
    init(path: String, flags: Int32, label: String) throws {
        var database: OpaquePointer?
        let result = sqlite3_open_v2(path, &database, flags, nil)
        guard result == SQLITE_OK, let database else {
            let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(database)
            throw HostError.failed("\(label): cannot open \(path): \(message)")
        }
        handle = database
        self.label = label
    }

    // close_v2: should a statement still be alive, the connection closes when it is finalized.
    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw HostError.failed("\(label): \(message)\(hint)")
        }
    }

    /// Prepares one statement.
    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw failure()
        }
        return Statement(handle: statement, database: self)
    }

    /// Runs a query and maps each row.
    func rows<T>(_ sql: String, _ bindings: [String] = [], _ transform: (Statement) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        for (index, value) in bindings.enumerated() { statement.bind(Int32(index + 1), value) }
        var result: [T] = []
        while try statement.step() { result.append(try transform(statement)) }
        return result
    }

    /// The columns of `table`, empty when there is no such table.
    func columns(of table: String) throws -> Set<String> {
        Set(try rows("SELECT name FROM pragma_table_info(?1)", [table]) { $0.text(0) })
    }

    func failure() -> HostError {
        HostError.failed("\(label): \(String(cString: sqlite3_errmsg(handle)))\(hint)")
    }

    /// A hint for the errors a damaged file gives.
    private var hint: String {
        let code = sqlite3_errcode(handle)
        return code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? " (truncated or damaged?)" : ""
    }
}
