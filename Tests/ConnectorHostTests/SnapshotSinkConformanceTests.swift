import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// The `SnapshotSink` contract, run against every sink.
@Suite struct SnapshotSinkConformanceTests {
    @Test(arguments: SnapshotFormat.allCases)
    func committedSnapshotReadsBack(_ format: SnapshotFormat) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("snap.\(format.fileExtension)").path
            try SnapshotFixture.write(format, to: path)
            let reader = try SnapshotReader(path: path)
            #expect(reader.format == format)
            #expect(try reader.read() == SnapshotFixture.expected)
            #expect(try temporaryFiles(in: directory).isEmpty)
        }
    }

    @Test(arguments: SnapshotFormat.allCases)
    func commitReplacesThePreviousSnapshot(_ format: SnapshotFormat) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("snap.\(format.fileExtension)").path
            try SnapshotFixture.write(format, to: path, records: Array(SnapshotFixture.records.prefix(2)))
            try SnapshotFixture.write(format, to: path)
            #expect(try SnapshotReader.read(path) == SnapshotFixture.expected)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["snap.\(format.fileExtension)"])
        }
    }

    @Test(arguments: SnapshotFormat.allCases)
    func abortLeavesThePreviousSnapshotByteIdentical(_ format: SnapshotFormat) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("snap.\(format.fileExtension)").path
            try SnapshotFixture.write(format, to: path)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))

            let sink = try format.makeSink(destination: path)
            try sink.begin(connector: "other", pluginVersion: "9")
            for record in SnapshotFixture.records.prefix(4) { try sink.write(record) }
            sink.abort()

            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            #expect(try temporaryFiles(in: directory).isEmpty)
        }
    }

    @Test(arguments: SnapshotFormat.allCases)
    func abortWithoutPreviousSnapshotLeavesNothing(_ format: SnapshotFormat) async throws {
        try await withTemporaryDirectory { directory in
            let sink = try format.makeSink(destination: directory.appendingPathComponent("new.\(format.fileExtension)").path)
            try sink.begin(connector: "other", pluginVersion: "9")
            for record in SnapshotFixture.records { try sink.write(record) }
            sink.abort()
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }
    }
}
