import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// The `SnapshotSink` contract of `SnapshotSinkConformanceTests`, with the same fixture,
/// for the PostgreSQL sink against a real server (`PostgreSQLServer`). A database has no
/// bytes to compare: "the previous snapshot" is the latest successful sync, and "nothing
/// left behind" is no row outside the committed syncs.
@Suite struct PostgreSQLSinkConformanceTests {
    /// Runs libpq's blocking calls on a thread of their own.
    static func sink(_ database: TestDatabase, _ body: @escaping @Sendable (PostgreSQLSnapshotSink) throws -> Void) async throws {
        let url = try PostgreSQLURL(database.url)
        try await onThread { try body(PostgreSQLSnapshotSink(url: url)) }
    }

    static func read(_ database: TestDatabase) async throws -> Snapshot {
        try await onThread { try SnapshotReader.read(database.url) }
    }

    /// Rows that belong to no successful sync.
    static func strayRows(_ database: TestDatabase) async throws -> [String] {
        try await database.column("""
            SELECT count(*) FROM (SELECT sync_id FROM resource_types UNION ALL SELECT sync_id FROM resources
              UNION ALL SELECT sync_id FROM entitlements UNION ALL SELECT sync_id FROM grants) rows
            WHERE sync_id NOT IN (SELECT sync_id FROM sync_runs WHERE status = 'succeeded')
            """)
    }

    @Test func committedSnapshotReadsBack() async throws {
        let database = try await PostgreSQLServer.database()
        try await Self.sink(database) { try SnapshotFixture.write(into: $0) }
        #expect(try await Self.read(database) == SnapshotFixture.expected)
        #expect(try await database.column("SELECT connector || ' ' || plugin_version || ' ' || grants FROM sync_runs")
                == ["\(SnapshotFixture.connector) 1.2.3 3"])
    }

    @Test func commitReplacesThePreviousSnapshot() async throws {
        let database = try await PostgreSQLServer.database()
        try await Self.sink(database) { try SnapshotFixture.write(into: $0, records: Array(SnapshotFixture.records.prefix(2))) }
        try await Self.sink(database) { try SnapshotFixture.write(into: $0) }
        #expect(try await Self.read(database) == SnapshotFixture.expected)
        #expect(try await database.column("SELECT sync_id FROM latest_syncs") == ["2"])
    }

    @Test func abortLeavesThePreviousSnapshot() async throws {
        let database = try await PostgreSQLServer.database()
        try await Self.sink(database) { try SnapshotFixture.write(into: $0) }
        try await Self.sink(database) { sink in
            try sink.begin(connector: SnapshotFixture.connector, pluginVersion: "9")
            for record in SnapshotFixture.records.prefix(4) { try sink.write(record) }
            sink.abort()
        }
        #expect(try await Self.read(database) == SnapshotFixture.expected)
        #expect(try await Self.strayRows(database) == ["0"])
        #expect(try await database.column("SELECT status FROM sync_runs ORDER BY sync_id") == ["succeeded", "failed"])
    }

    @Test func abortWithoutPreviousSnapshotLeavesNothing() async throws {
        let database = try await PostgreSQLServer.database()
        try await Self.sink(database) { sink in
            try sink.begin(connector: "other", pluginVersion: "9")
            for record in SnapshotFixture.records { try sink.write(record) }
            sink.abort()
        }
        #expect(try await Self.strayRows(database) == ["0"])
        #expect(try await database.column("SELECT count(*) FROM latest_syncs") == ["0"])
        await #expect(throws: HostError.self) { try await Self.read(database) }
    }
}
