import ConnectorHost
import ConnectorKit
import Foundation
import Testing
import TestSupport

/// `ChangeLog`: appends read back whole, concurrent appends do not interleave, and a
/// partial line left by a crash is skipped and then cut.
@Suite struct ChangeLogTests {
    static func lines(_ instance: String, _ count: Int) throws -> Data {
        try ChangeFeed(old: Snapshot(connector: "x"), new: Snapshot(connector: "x", resources: (0..<count).map {
            Resource(type: "user", id: "\($0)", displayName: "User \($0)")
        })).ndjson(instance: instance, syncID: "s", time: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test func appendsReadBackInOrder() throws {
        let directory = try TemporaryDirectory()
        let log = ChangeLog(path: directory.file("changes.ndjson"))
        #expect(try log.read().isEmpty)
        try log.append(try Self.lines("acme", 2))
        try log.append(Data())
        try log.append(try Self.lines("cf", 1))
        let changes = try log.read()
        #expect(changes.map { "\($0.instance ?? "") \($0.resourceID)" } == ["acme 0", "acme 1", "cf 0"])
        #expect(changes.first?.time == Date(timeIntervalSince1970: 1_800_000_000))
        let mode = try FileManager.default.attributesOfItem(atPath: log.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func concurrentAppendsKeepTheirLinesWhole() async throws {
        let directory = try TemporaryDirectory()
        let log = ChangeLog(path: directory.file("changes.ndjson"))
        let batch = try Self.lines("many", 200)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { try await onThread { try log.append(batch) } } }
            try await group.waitForAll()
        }
        let changes = try log.read()
        #expect(changes.count == 8 * 200)
        // Each batch is contiguous: ids run 0…199 eight times.
        let oneBatch: [String] = (0..<200).map { String($0) }
        let expected: [String] = Array(Array(repeating: oneBatch, count: 8).joined())
        #expect(changes.map(\.resourceID) == expected)
    }

    @Test func aPartialLineFromACrashIsSkippedThenCut() throws {
        let directory = try TemporaryDirectory()
        let log = ChangeLog(path: directory.file("changes.ndjson"))
        try log.append(try Self.lines("acme", 1))
        let handle = try #require(FileHandle(forWritingAtPath: log.path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"display_name":"half"#.utf8))
        try handle.close()
        #expect(try log.read().map(\.resourceID) == ["0"])
        try log.append(try Self.lines("cf", 1))
        #expect(try log.read().map { $0.instance ?? "" } == ["acme", "cf"])
        let text = try String(contentsOfFile: log.path, encoding: .utf8)
        #expect(!text.contains("half") && text.hasSuffix("\n"))
    }

    @Test func aDamagedLineIsReportedWithItsNumber() throws {
        let directory = try TemporaryDirectory()
        let log = ChangeLog(path: directory.file("changes.ndjson"))
        try log.append(try Self.lines("acme", 1) + Data("not json\n".utf8))
        #expect(throws: HostError.failed("\(log.path): line 2 is not a change")) { try log.read() }
    }
}
