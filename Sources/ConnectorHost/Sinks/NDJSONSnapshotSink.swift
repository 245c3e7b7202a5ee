import Foundation

/// Writes one JSON object per line, `{"kind": …, …}`, flushed as it goes; a final
/// `{"kind":"sync_run", …}` line carries the summary.
///
/// To a file it streams into a temp file renamed on commit; to `-` it streams to stdout
/// for `jq` pipelines (where a failed sync simply ends without the `sync_run` line).
public final class NDJSONSnapshotSink: SnapshotSink {
    private let destination: String
    private var file: AtomicFile?
    private let encoder = RecordEncoder()

    /// Creates a sink for `destination`, or stdout when it is `-`.
    public init(destination: String) {
        self.destination = destination
    }

    public func begin(connector: String, pluginVersion: String) throws {
        if destination != "-" { file = try AtomicFile(destination: destination) }
    }

    public func write(_ record: SnapshotRecord) throws {
        try emit(encoder.encode(record))
    }

    public func commit(_ summary: SyncSummary) throws {
        var line = try encoder.encode(summary)
        line.removeFirst()   // splice "kind" into the summary object
        try emit(Data(#"{"kind":"sync_run","#.utf8) + line)
        if let file {
            try file.commit()
            self.file = nil
        } else {
            FileHandle.standardOutput.synchronizeFile()
        }
    }

    public func abort() {
        file?.discard()
        file = nil
    }

    private func emit(_ line: Data) throws {
        if let file {
            try file.write(line)
            try file.write("\n")
        } else {
            FileHandle.standardOutput.write(line + Data([0x0A]))
        }
    }
}
