@testable import ConnectorHost
import Foundation
import Testing

/// `SQLiteDatabase`, the one SQLite layer: statements, transactions, pragmas, and errors
/// that name the file on one line.
struct SQLiteDatabaseTests {
    @Test func transactionsCommitOrRollBackAsAWhole() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(path: directory.appendingPathComponent("t.db").path, mode: .create)
            try database.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, seconds REAL)")
            try database.transaction {
                let insert = try database.prepare("INSERT INTO runs (name, seconds) VALUES (?1, ?2)")
                insert.bind(1, "first")
                insert.bind(2, 1.5)
                try insert.run()
                try insert.run(["second", nil])
            }
            #expect(database.lastInsertRowID == 2)
            struct Stop: Error {}
            #expect(throws: Stop.self) {
                try database.transaction {
                    try database.execute("INSERT INTO runs (name) VALUES ('lost')")
                    throw Stop()
                }
            }
            let rows = try database.rows("SELECT id, name, seconds FROM runs WHERE id >= ?1 ORDER BY id", ["1"]) {
                ($0.integer(0), $0.text(1), $0.isNull(2) ? nil : $0.real(2))
            }
            #expect(rows.map(\.0) == [1, 2])
            #expect(rows.map(\.1) == ["first", "second"])
            #expect(rows.map(\.2) == [1.5, nil])
            #expect(try database.tables() == ["runs"])
            #expect(try database.columns(of: "runs") == ["id", "name", "seconds"])
        }
    }

    @Test func pragmasAndWriteAheadLogging() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("history.db").path
            let writer = try SQLiteDatabase(path: path, mode: .create)
            try writer.enableWriteAheadLog()
            try writer.setBusyTimeout(2)
            try writer.setUserVersion(3)
            #expect(try writer.userVersion() == 3)
            #expect(try writer.pragma("journal_mode") == "wal")
            try writer.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY)")

            // In WAL mode a reader sees the last commit while a write is under way.
            try writer.begin(immediate: true)
            try writer.execute("INSERT INTO runs DEFAULT VALUES")
            let reader = try SQLiteDatabase(path: path, mode: .readOnly)
            #expect(try reader.value("SELECT count(*) FROM runs") == "0")
            try writer.commit()
            #expect(try reader.value("SELECT count(*) FROM runs") == "1")
        }
    }

    @Test func errorsNameTheFileOnOneLine() async throws {
        try await withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("missing.db").path
            #expect(throws: SQLiteError.self) { try SQLiteDatabase(path: missing, mode: .readOnly) }
            do {
                _ = try SQLiteDatabase(path: missing, mode: .readWrite, name: "snapshot.sqlite")
            } catch let error as SQLiteError {
                #expect(error.description.hasPrefix("snapshot.sqlite: SQLite: cannot open \(missing): "))
            }

            let path = directory.appendingPathComponent("t.db").path
            let database = try SQLiteDatabase(path: path, mode: .create)
            #expect(throws: SQLiteError(file: path, code: 1, message: "no such table: runs")) {
                try database.execute("INSERT INTO runs DEFAULT VALUES")
            }

            let garbage = directory.appendingPathComponent("garbage.db").path
            try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
            do {
                _ = try SQLiteDatabase(path: garbage, mode: .readOnly).tables()
                Issue.record("garbage read as a database")
            } catch let error as SQLiteError {
                #expect(error.isDamaged)
                #expect(error.description == "\(garbage): SQLite: file is not a database (truncated or damaged?)")
            }
            database.close()
            #expect(throws: SQLiteError(file: path, code: 21, message: "the database is closed")) { try database.tables() }
        }
    }
}
