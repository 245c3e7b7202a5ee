import ConnectorHost
import Foundation
import Testing

/// The SQLite snapshot is an ordinary database: the `sqlite3` shell reads it.
@Suite struct SQLiteCLITests {
    @Test
    func sqliteShellReadsTheSnapshot() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("snap.db").path
            try SnapshotFixture.write(.sqlite, to: path)
            #expect(try await SQLiteCLI.run(path, "SELECT count(*) FROM grants") == "3")
            #expect(try await SQLiteCLI.run(path, "PRAGMA integrity_check") == "ok")
            #expect(try await SQLiteCLI.run(path, "SELECT json_extract(profile, '$.email') FROM resources WHERE type = 'user' AND id = '7'")
                    == "zoë@exämple.com")
            #expect(try await SQLiteCLI.run(path, """
                SELECT count(*) FROM grants g JOIN entitlements e ON e.id = g.entitlement_id
                WHERE e.resource_type = 'team' AND e.resource_id = '7'
                """) == "2")
            #expect(try await SQLiteCLI.run(path, "SELECT connector, status FROM sync_runs") == "fixture-ü|succeeded")
        }
    }
}
