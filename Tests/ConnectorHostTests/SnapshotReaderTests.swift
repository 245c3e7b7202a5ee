import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// `SnapshotReader`: the same sync reads the same from every format, and bad files give
/// one clear line rather than a crash.
@Suite struct SnapshotReaderTests {
    @Test func everyFormatReadsToTheSameSnapshot() async throws {
        try await withTemporaryDirectory { directory in
            // Shuffled records, and names that hide the format: detection is by content.
            let records = SnapshotFixture.records.reversed()
            var snapshots: [SnapshotFormat: Snapshot] = [:]
            for format in SnapshotFormat.allCases {
                let path = directory.appendingPathComponent("snapshot-\(format.rawValue).data").path
                try SnapshotFixture.write(format, to: path, records: Array(records))
                let reader = try SnapshotReader(path: path)
                #expect(reader.format == format)
                snapshots[format] = try reader.read()
            }
            #expect(snapshots[.sqlite] == snapshots[.json])
            #expect(snapshots[.json] == snapshots[.ndjson])
            #expect(snapshots[.sqlite] == SnapshotFixture.expected)
            #expect(snapshots[.sqlite]?.resourceCounts == ["account": 1, "team": 1, "user": 2])
        }
    }

    @Test func canonicalOrderIsNumericAware() {
        #expect(["10", "9", "a", "007", "7", "B"].sorted(by: Snapshot.precedes) == ["007", "7", "9", "10", "B", "a"])
        let snapshot = Snapshot(connector: "x", resources: [
            Resource(type: "user", id: "10", displayName: "b"), Resource(type: "team", id: "2", displayName: "t"),
            Resource(type: "user", id: "9", displayName: "a"),
        ])
        #expect(snapshot.resources.map(\.reference.description) == ["team:2", "user:9", "user:10"])
    }

    @Test func missingFileIsAUsageError() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("nope.db").path
            #expect(throws: HostError.usage("no such snapshot file: \(path)")) { try SnapshotReader.read(path) }
            #expect(throws: HostError.self) { try SnapshotReader.read(directory.path) }
        }
    }

    /// Damaged or foreign files, each made from a good snapshot of some format.
    static let damages: [(name: String, format: SnapshotFormat, damage: @Sendable (Data) -> Data, reason: String)] = [
        ("empty", .json, { _ in Data() }, "is empty"),
        ("text", .json, { _ in Data("hello, world\n".utf8) }, "not a connhost snapshot"),
        ("binary", .json, { _ in Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) }) }, "not a connhost snapshot"),
        ("foreign-json", .json, { _ in Data(#"{"name":"package","version":1}"#.utf8) }, "not a connhost snapshot"),
        ("json-half", .json, { $0.prefix($0.count / 2) }, "not a valid JSON snapshot"),
        ("json-no-brace", .json, { $0.dropLast(2) }, "not a valid JSON snapshot"),
        ("sqlite-half", .sqlite, { $0.prefix($0.count / 2) }, "truncated"),
        ("sqlite-header-only", .sqlite, { $0.prefix(60) }, "truncated"),
        ("sqlite-magic-only", .sqlite, { $0.prefix(10) }, "truncated"),
        ("ndjson-no-sync-run", .ndjson, { data in
            let lines = data.split(separator: 0x0A)
            return Data(lines.dropLast().joined(separator: [0x0A])) + Data([0x0A])
        }, "no final sync_run line"),
        ("ndjson-cut-mid-line", .ndjson, { $0.prefix($0.count - 40) }, "truncated?"),
        ("ndjson-garbage-line", .ndjson, { data in
            var lines = data.split(separator: 0x0A).map { Data($0) }
            lines[3] = Data("{\"kind\":\"resource\",\"id\":".utf8)
            return Data(lines.joined(separator: [0x0A]))
        }, "line 4 is not a snapshot record"),
        ("ndjson-unknown-kind", .ndjson, { data in
            Data(#"{"kind":"mystery","id":"1"}"#.utf8) + Data([0x0A]) + data
        }, "line 1 is not a snapshot record"),
    ]

    @Test(arguments: damages.indices)
    func damagedFileGivesOneClearLine(_ index: Int) async throws {
        let damage = Self.damages[index]
        try await withTemporaryDirectory { directory in
            let good = directory.appendingPathComponent("good.\(damage.format.fileExtension)").path
            try SnapshotFixture.write(damage.format, to: good)
            let path = directory.appendingPathComponent("\(damage.name).\(damage.format.fileExtension)").path
            try damage.damage(try Data(contentsOf: URL(fileURLWithPath: good))).write(to: URL(fileURLWithPath: path))
            do {
                let snapshot = try SnapshotReader.read(path)
                Issue.record("\(damage.name) read as a snapshot with \(snapshot.resources.count) resources")
            } catch HostError.failed(let message) {
                #expect(message.contains(path), "\(message)")
                #expect(message.contains(damage.reason), "\(damage.name): \(message)")
                #expect(!message.contains("\n"), "\(message)")
            }
        }
    }

    @Test
    func sqliteDatabaseOfAnotherAppIsNotASnapshot() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("other.db").path
            _ = try await SQLiteCLI.run(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('hi');")
            #expect(throws: HostError.failed("\(path) is an SQLite database but not a connhost snapshot (no table 'resource_types')")) {
                try SnapshotReader.read(path)
            }
        }
    }
}
