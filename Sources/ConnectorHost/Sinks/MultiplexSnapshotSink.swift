import ConnectorKit

/// Sends every record to several sinks; commits them in order and aborts them all if any fails.
public final class MultiplexSnapshotSink: SnapshotSink {
    private let sinks: [any SnapshotSink]

    /// Creates a sink that fans out to `sinks`.
    public init(_ sinks: [any SnapshotSink]) { self.sinks = sinks }

    public func begin(connector: String, pluginVersion: String) throws {
        for sink in sinks { try sink.begin(connector: connector, pluginVersion: pluginVersion) }
    }
    public func write(_ record: SnapshotRecord) throws {
        for sink in sinks { try sink.write(record) }
    }
    /// Commits each sink in order; a failure aborts the ones not yet committed.
    public func commit(_ summary: SyncSummary) throws {
        for (index, sink) in sinks.enumerated() {
            do {
                try sink.commit(summary)
            } catch {
                for later in sinks[(index + 1)...] { later.abort() }
                throw error
            }
        }
    }
    public func abort() {
        for sink in sinks { sink.abort() }
    }
}
