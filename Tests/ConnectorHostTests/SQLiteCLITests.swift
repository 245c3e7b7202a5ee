import ConnectorHost
import Foundation
import Testing

/// Runs the `sqlite3` command-line shell, the tool people will point at a snapshot.
enum SQLiteCLI {
    static let path = "/usr/bin/sqlite3"

    /// The shell's stdout for `sql` run against `database`; throws on a non-zero exit.
    static func run(_ database: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-batch", database, sql]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitForExit()
        guard process.terminationStatus == 0 else {
            throw HostError.failed("sqlite3 exited \(process.terminationStatus): \(String(decoding: message, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The SQLite snapshot is an ordinary database: the `sqlite3` shell reads it.
@Suite struct SQLiteCLITests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: SQLiteCLI.path)))
    func sqliteShellReadsTheSnapshot() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("snap.db").path
            try SnapshotFixture.write(.sqlite, to: path)
            #expect(try SQLiteCLI.run(path, "SELECT count(*) FROM grants") == "3")
            #expect(try SQLiteCLI.run(path, "PRAGMA integrity_check") == "ok")
            #expect(try SQLiteCLI.run(path, "SELECT json_extract(profile, '$.email') FROM resources WHERE type = 'user' AND id = '7'")
                    == "zoë@exämple.com")
            #expect(try SQLiteCLI.run(path, """
                SELECT count(*) FROM grants g JOIN entitlements e ON e.id = g.entitlement_id
                WHERE e.resource_type = 'team' AND e.resource_id = '7'
                """) == "2")
            #expect(try SQLiteCLI.run(path, "SELECT connector, status FROM sync_runs") == "fixture-ü|succeeded")
        }
    }
}
