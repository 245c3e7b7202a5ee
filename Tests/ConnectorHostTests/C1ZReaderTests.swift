import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// Takes `.c1z` files apart and puts them back together, for tests that edit the
/// database inside.
extension C1ZFile {
    /// The fixture snapshot as a c1z at `directory/name`, then edited with `sql`.
    static func fixture(in directory: URL, _ name: String = "snap.c1z", sql: String? = nil) async throws -> String {
        let path = directory.appendingPathComponent(name).path
        try SnapshotFixture.write(.c1z, to: path)
        if let sql {
            let database = try inflate(path)
            _ = try await SQLiteCLI.run(database, sql)
            try deflate(database, to: path)
        }
        return path
    }
}

/// Reading `.c1z` files: the sync chosen, files in Baton's older layout, and every kind of
/// damage giving one line that names the file rather than a crash.
@Suite
struct C1ZReaderTests {
    static let hex = { (bytes: [UInt8]) in "X'" + Hex.string(bytes) + "'" }

    /// Expects reading `path` to fail with one line that names it and contains `reason`.
    func expectFailure(_ path: String, _ reasons: String..., syncID: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let snapshot = try SnapshotReader.read(path, syncID: syncID)
            Issue.record("read as a snapshot with \(snapshot.resources.count) resources", sourceLocation: sourceLocation)
        } catch HostError.failed(let message) {
            #expect(message.contains(path), "\(message)", sourceLocation: sourceLocation)
            for reason in reasons {
                #expect(message.contains(reason), "\(message)", sourceLocation: sourceLocation)
            }
            #expect(!message.contains("\n"), "\(message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - What the sink writes

    @Test func sinkWritesOneFinishedFullSyncWithBatonsSchema() async throws {
        try await withTemporaryDirectory { directory in
            let path = try await C1ZFile.fixture(in: directory)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(data.prefix(5) == C1ZFile.magic)
            // Zstd frame header: checksum flag set, content size present.
            #expect(data[5..<9] == Data([0x28, 0xB5, 0x2F, 0xFD]))
            let descriptor = data[9]
            #expect(descriptor & 0x04 != 0, "checksum flag")
            #expect(descriptor >> 6 != 0 || descriptor & 0x20 != 0, "content size")

            let database = try C1ZFile.inflate(path)
            #expect(try await SQLiteCLI.run(database, "PRAGMA integrity_check") == "ok")
            let run = try await SQLiteCLI.run(database, """
                SELECT length(sync_id), sync_type, sync_token, supports_diff, grants_backfilled, ended_at IS NOT NULL, started_at <= ended_at
                FROM v1_sync_runs
                """)
            #expect(run == "27|full||1|1|1|1")
            #expect(try await SQLiteCLI.run(database, "SELECT count(DISTINCT sync_id) FROM (SELECT sync_id FROM v1_resources UNION ALL SELECT sync_id FROM v1_grants UNION ALL SELECT sync_id FROM v1_sync_runs)") == "1")
            #expect(try await SQLiteCLI.run(database, "SELECT count(*) FROM v1_resources WHERE discovered_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'") == "0")
            #expect(try await SQLiteCLI.run(database, "SELECT external_id, parent_resource_type_id, parent_resource_id FROM v1_resources WHERE resource_type_id = 'team'") == "team:7|account|acme")
            #expect(try await SQLiteCLI.run(database, "SELECT count(*) FROM v1_resources WHERE parent_resource_id IS NULL") == "3")
            #expect(try await SQLiteCLI.run(database, "SELECT resource_type_id, resource_id, principal_resource_type_id, principal_resource_id, expansion IS NULL, needs_expansion FROM v1_grants WHERE external_id = 'account:acme:admin:user:7'")
                    == "account|acme|user|7|1|0")
            #expect(try await SQLiteCLI.run(database, "SELECT CAST(value AS TEXT) FROM v1_connector_sessions WHERE key = 'connhost.connector'") == "fixture-ü")
        }
    }

    /// The DDL is the team notes' statement for statement. The notes live beside the
    /// repository (`../shared`), not in it, so this cross-check runs only where they are.
    @Test(.enabled(if: TeamNotes.c1zFormat != nil, "the team's notes ../shared/notes/c1z-format.md are not beside this clone"))
    func whereTheTeamNotesArePresentTheSchemaIsTheirs() async throws {
        let text = try #require(TeamNotes.c1zFormat)
        let block = try #require(text.components(separatedBy: "```sql\n").dropFirst().first)
        try await withTemporaryDirectory { directory in
            let database = try C1ZFile.inflate(try await C1ZFile.fixture(in: directory))
            let expected = Set(block.components(separatedBy: "```")[0].split(separator: "\n").map { $0.lowercased().replacingOccurrences(of: ";", with: "") })
            let actual = Set(try await SQLiteCLI.run(database, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL").split(separator: "\n").map { $0.lowercased() })
            #expect(actual == expected)
        }
    }

    // MARK: - Choosing the sync

    @Test func readsTheLatestFinishedFullSyncOrTheOneAskedFor() async throws {
        let encoder = C1ZRecordEncoder()
        let type = encoder.resourceType(ResourceType(id: "user", displayName: "User", traits: [.user]))
        let user = encoder.resource(Resource(type: "user", id: "old", displayName: "Old Timer"), traits: [.user])
        let sql = """
            INSERT INTO v1_sync_runs (sync_id, started_at, ended_at, sync_token, sync_type) VALUES
              ('0ujtsYcgvSTl8PAuAdqWYSMnLOv', '2017-10-10 04:00:47.000000', '2017-10-10 04:01:00.000000', '', 'full'),
              ('3MbjIwewXRtarC1JcpugYiVh2Dg', '2030-01-01 00:00:00.000000', '2030-01-01 00:01:00.000000', '', 'partial'),
              ('3MbjIwewXRtarC1JcpugYiVh2Dh', '2030-01-02 00:00:00.000000', NULL, '', 'full');
            INSERT INTO v1_resource_types (external_id, data, sync_id, discovered_at)
              VALUES ('user', \(Self.hex(type)), '0ujtsYcgvSTl8PAuAdqWYSMnLOv', '2017-10-10 04:00:48.000000');
            INSERT INTO v1_resources (resource_type_id, external_id, data, sync_id, discovered_at)
              VALUES ('user', 'user:old', \(Self.hex(user)), '0ujtsYcgvSTl8PAuAdqWYSMnLOv', '2017-10-10 04:00:49.000000');
            """
        try await withTemporaryDirectory { directory in
            let path = try await C1ZFile.fixture(in: directory, sql: sql)
            #expect(try SnapshotReader.read(path) == SnapshotFixture.expected)
            let old = try SnapshotReader.read(path, syncID: "0ujtsYcgvSTl8PAuAdqWYSMnLOv")
            #expect(old.connector == "unknown")
            #expect(old.resources == [Resource(type: "user", id: "old", displayName: "Old Timer")])
            #expect(old.grants.isEmpty)
            #expect(old.syncedAt == BatonTime.date("2017-10-10 04:00:47.000000"))
            expectFailure(path, "has no sync 'nope'; its syncs: ", "0ujtsYcgvSTl8PAuAdqWYSMnLOv (full, ended 2017-10-10 04:01:00.000000), ",
                          "3MbjIwewXRtarC1JcpugYiVh2Dg (partial, ended 2030-01-01 00:01:00.000000), 3MbjIwewXRtarC1JcpugYiVh2Dh (full, unfinished)",
                          syncID: "nope")
            // A sync id for a format that holds one sync is a usage error.
            let json = directory.appendingPathComponent("snap.json").path
            try SnapshotFixture.write(.json, to: json)
            #expect(throws: HostError.usage("--sync-id applies to c1z snapshots; \(json) is a json snapshot")) {
                try SnapshotReader.read(json, syncID: "0ujtsYcgvSTl8PAuAdqWYSMnLOv")
            }
        }
    }

    /// A file as older Baton SDKs wrote it: no sync type and later sync_runs columns, no
    /// expansion columns, no sessions table; profiles only in trait annotations; grants
    /// without embedded entitlement or principal.
    @Test func readsBatonsOlderLayout() async throws {
        var userTrait = ProtobufWriter()
        userTrait.message(1) { $0.string(1, "ann@example.com"); $0.bool(2, true) }
        userTrait.message(2) { $0.varint(1, 1) }
        userTrait.message(3) { ProtobufValue.writeStruct(["department": .string("R&D"), "level": .number(3)], into: &$0) }
        userTrait.varint(5, 1)
        var user = ProtobufWriter()
        user.message(1) { $0.string(1, "user"); $0.string(2, "u1") }
        user.string(3, "Ann")
        user.message(4) { $0.string(1, "type.googleapis.com/c1.connector.v2.UserTrait"); $0.bytes(2, userTrait.bytes) }
        var group = ProtobufWriter()
        group.message(1) { $0.string(1, "group"); $0.string(2, "g1") }
        group.string(3, "Admins")
        group.message(4) { $0.string(1, "type.googleapis.com/c1.connector.v2.GroupTrait") }   // empty trait: no value
        var entitlement = ProtobufWriter()
        entitlement.message(1) { resource in
            resource.message(1) { $0.string(1, "group"); $0.string(2, "g1") }
            resource.string(3, "Admins")
        }
        entitlement.string(2, "group:g1:member")
        entitlement.string(3, "Admins Member")
        entitlement.varint(7, 1)
        var grant = ProtobufWriter()
        grant.string(3, "group:g1:member:user:u1")
        let encoder = C1ZRecordEncoder()
        let sync = "2Ah2dhXmbzNDPiQX8JTkL0zjTFm"
        let sql = """
            create table v1_resource_types (id integer primary key, external_id text not null, data blob not null, sync_id text not null, discovered_at datetime not null);
            create table v1_resources (id integer primary key, resource_type_id text not null, external_id text not null, parent_resource_type_id text, parent_resource_id text, data blob not null, sync_id text not null, discovered_at datetime not null);
            create table v1_entitlements (id integer primary key, resource_type_id text not null, resource_id text not null, external_id text not null, data blob not null, sync_id text not null, discovered_at datetime not null);
            create table v1_grants (id integer primary key, resource_type_id text not null, resource_id text not null, entitlement_id text not null, principal_resource_type_id text not null, principal_resource_id text not null, external_id text not null, data blob not null, sync_id text not null, discovered_at datetime not null);
            create table v1_sync_runs (id integer primary key, sync_id text not null, started_at datetime not null, ended_at datetime, sync_token text not null);
            INSERT INTO v1_sync_runs (sync_id, started_at, ended_at, sync_token) VALUES ('\(sync)', '2023-03-01 10:00:00.123456789', '2023-03-01 10:05:00.5', '');
            INSERT INTO v1_resource_types (external_id, data, sync_id, discovered_at) VALUES
              ('user', \(Self.hex(encoder.resourceType(ResourceType(id: "user", displayName: "User", traits: [.user])))), '\(sync)', '2023-03-01 10:00:01'),
              ('group', \(Self.hex(encoder.resourceType(ResourceType(id: "group", displayName: "Group", traits: [.group])))), '\(sync)', '2023-03-01 10:00:01');
            INSERT INTO v1_resources (resource_type_id, external_id, data, sync_id, discovered_at) VALUES
              ('user', 'user:u1', \(Self.hex(user.bytes)), '\(sync)', '2023-03-01 10:00:02'),
              ('group', 'group:g1', \(Self.hex(group.bytes)), '\(sync)', '2023-03-01 10:00:02');
            INSERT INTO v1_entitlements (resource_type_id, resource_id, external_id, data, sync_id, discovered_at) VALUES
              ('group', 'g1', 'group:g1:member', \(Self.hex(entitlement.bytes)), '\(sync)', '2023-03-01 10:00:03');
            INSERT INTO v1_grants (resource_type_id, resource_id, entitlement_id, principal_resource_type_id, principal_resource_id, external_id, data, sync_id, discovered_at) VALUES
              ('group', 'g1', 'group:g1:member', 'user', 'u1', 'group:g1:member:user:u1', \(Self.hex(grant.bytes)), '\(sync)', '2023-03-01 10:00:04');
            """
        try await withTemporaryDirectory { directory in
            let database = directory.appendingPathComponent("baton.sqlite").path
            _ = try await SQLiteCLI.run(database, sql)
            let path = directory.appendingPathComponent("sync.c1z").path
            try C1ZFile.deflate(database, to: path)
            let snapshot = try SnapshotReader.read(path)
            let member = Entitlement(resource: .init(type: "group", id: "g1"), slug: "member", displayName: "Admins Member")
            #expect(snapshot == Snapshot(
                connector: "unknown", syncedAt: BatonTime.date("2023-03-01 10:00:00.123456789"),
                resourceTypes: [ResourceType(id: "user", displayName: "User", traits: [.user]),
                                ResourceType(id: "group", displayName: "Group", traits: [.group])],
                resources: [Resource(type: "user", id: "u1", displayName: "Ann",
                                     profile: ["department": "R&D", "level": "3", "email": "ann@example.com"]),
                            Resource(type: "group", id: "g1", displayName: "Admins")],
                entitlements: [member],
                grants: [Grant(entitlement: member, principal: .init(type: "user", id: "u1"))]))
        }
    }

    // MARK: - Damage

    @Test func damagedContainersGiveOneClearLine() async throws {
        try await withTemporaryDirectory { directory in
            let good = try Data(contentsOf: URL(fileURLWithPath: try await C1ZFile.fixture(in: directory)))
            func file(_ name: String, _ data: Data) throws -> String {
                let path = directory.appendingPathComponent(name).path
                try data.write(to: URL(fileURLWithPath: path))
                return path
            }
            let frame = good.dropFirst(5)
            expectFailure(try file("v3.c1z", Data("C1Z3\0".utf8) + frame), "c1z v3 file (C1Z3, a Pebble store)")
            expectFailure(try file("wrong-magic.c1z", Data("C1ZX\0".utf8) + frame), "is not a connhost snapshot")
            expectFailure(try file("bare-zstd.c1z", Data(frame)), "is not a connhost snapshot")
            expectFailure(try file("short.c1z", Data("C1Z".utf8)), "truncated (3 bytes, shorter than a c1z header)")
            expectFailure(try file("header-only.c1z", C1ZFile.magic), "no zstd frame after the c1z header")
            expectFailure(try file("truncated.c1z", good.prefix(good.count - 200)), "the zstd frame is truncated")
            expectFailure(try file("cut-in-header.c1z", good.prefix(8)), "truncated")
            expectFailure(try file("not-zstd.c1z", C1ZFile.magic + Data(repeating: 0x41, count: 300)), "the zstd data is damaged")
            expectFailure(try file("trailing-junk.c1z", good + Data("junk".utf8)), "the zstd data is damaged")
            var flipped = good
            flipped[good.count / 2] ^= 0xFF
            expectFailure(try file("flipped.c1z", flipped), "the zstd data is damaged")
            // A frame header asking for a 256 MiB window, and one that holds nothing.
            expectFailure(try file("window.c1z", C1ZFile.magic + Data([0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x90, 0x01, 0x00, 0x00])),
                          "window over 128 MiB")
            expectFailure(try file("empty-frame.c1z", C1ZFile.magic + Data([0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x50, 0x01, 0x00, 0x00])),
                          "does not hold a SQLite database")
        }
    }

    @Test func damagedDatabasesGiveOneClearLine() async throws {
        try await withTemporaryDirectory { directory in
            let garbage = directory.appendingPathComponent("garbage.c1z").path
            try C1ZFile.deflate(bytes: Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }), to: garbage)
            expectFailure(garbage, "does not hold a SQLite database")

            let foreign = directory.appendingPathComponent("foreign.sqlite").path
            _ = try await SQLiteCLI.run(foreign, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('hi');")
            let foreignC1Z = directory.appendingPathComponent("foreign.c1z").path
            try C1ZFile.deflate(foreign, to: foreignC1Z)
            expectFailure(foreignC1Z, "its database has no table 'v1_resource_types'")

            let good = try await C1ZFile.fixture(in: directory, "good.c1z")
            let database = try C1ZFile.inflate(good)
            var pages = try Data(contentsOf: URL(fileURLWithPath: database))
            pages.replaceSubrange(4096..<pages.count, with: Data(repeating: 0xAB, count: pages.count - 4096))
            let corrupt = directory.appendingPathComponent("corrupt.c1z").path
            try C1ZFile.deflate(bytes: pages, to: corrupt)
            expectFailure(corrupt, "(truncated or damaged?)")
            let halfDatabase = directory.appendingPathComponent("half.c1z").path
            try C1ZFile.deflate(bytes: pages.prefix(4096 + 512), to: halfDatabase)
            expectFailure(halfDatabase, "SQLite")

            expectFailure(try await C1ZFile.fixture(in: directory, "unfinished.c1z", sql: "UPDATE v1_sync_runs SET ended_at = NULL"),
                          "has no finished full sync (syncs: ")
            expectFailure(try await C1ZFile.fixture(in: directory, "partial.c1z", sql: "UPDATE v1_sync_runs SET sync_type = 'partial'"),
                          "has no finished full sync")
            expectFailure(try await C1ZFile.fixture(in: directory, "no-runs.c1z", sql: "DELETE FROM v1_sync_runs"),
                          "holds no sync (its v1_sync_runs table is empty)")
            expectFailure(try await C1ZFile.fixture(in: directory, "bad-blob.c1z", sql: "UPDATE v1_resources SET data = X'0aff' WHERE external_id = 'user:7'"),
                          "the data of resource row")
            expectFailure(try await C1ZFile.fixture(in: directory, "no-table.c1z", sql: "DROP TABLE v1_entitlements"),
                          "no table 'v1_entitlements'")
        }
    }

    /// The inflated copy lives only while it is read: nothing is left where it was made,
    /// after a good read or a failed one.
    @Test func readingLeavesNoTemporaryFiles() async throws {
        try await withTemporaryDirectory { directory in
            let scratch = directory.appendingPathComponent("scratch").path
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
            let path = try await C1ZFile.fixture(in: directory)
            _ = try SnapshotReader.read(path, scratchDirectory: scratch)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
            let bad = try await C1ZFile.fixture(in: directory, "bad.c1z", sql: "DELETE FROM v1_sync_runs")
            #expect(throws: HostError.self) { try SnapshotReader.read(bad, scratchDirectory: scratch) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
        }
    }
}
