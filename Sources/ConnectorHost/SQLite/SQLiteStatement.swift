import CSQLite

/// A prepared statement of a ``SQLiteDatabase``: bind parameters (1-based), step through
/// rows, read columns (0-based); finalized when it goes away.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let database: SQLiteDatabase

    init(handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    // MARK: - Parameters

    /// Binds text (or NULL) to parameter `index`.
    func bind(_ index: Int32, _ value: String?) {
        if let value {
            sqlite3_bind_text(handle, index, value, -1, Self.transient)
        } else {
            sqlite3_bind_null(handle, index)
        }
    }

    /// Binds an integer (or NULL) to parameter `index`.
    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds a real number (or NULL) to parameter `index`.
    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds a blob; an empty one is a zero-length blob, not NULL (an empty protobuf
    /// message is valid, and `data` columns are NOT NULL).
    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob64(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                                    sqlite3_uint64(bytes.count), Self.transient)
        }
    }

    /// Binds `values` to parameters 1, 2, … in order.
    func bind(_ values: [String?]) {
        for (index, value) in values.enumerated() { bind(Int32(index + 1), value) }
    }

    // MARK: - Running

    /// Runs a statement that returns no rows, then resets it for the next use.
    func run() throws {
        let result = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard result == SQLITE_DONE else { throw database.failure() }
    }

    /// Binds `values` to parameters 1, 2, … and runs the statement.
    func run(_ values: [String?]) throws {
        bind(values)
        try run()
    }

    /// Steps to the next row: `true` on a row, `false` when done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.failure()
        }
    }

    /// Rewinds the statement so it can run again with new parameters.
    func reset() {
        sqlite3_reset(handle)
    }

    // MARK: - Columns of the current row

    /// Whether column `column` is NULL.
    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// A column as text; NULL reads as the empty string.
    func text(_ column: Int32) -> String {
        sqlite3_column_text(handle, column).map { String(cString: $0) } ?? ""
    }

    /// A column as text, `nil` when NULL.
    func optionalText(_ column: Int32) -> String? {
        isNull(column) ? nil : text(column)
    }

    /// A column as an integer; NULL reads as 0.
    func integer(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// A column as a real number; NULL reads as 0.
    func real(_ column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    /// A column as bytes; NULL reads as none.
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
