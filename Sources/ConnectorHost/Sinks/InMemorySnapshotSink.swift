import ConnectorKit

/// Keeps a committed snapshot in memory: for checks against a ground truth and for tests.
public final class InMemorySnapshotSink: SnapshotSink {
    /// Records of the last committed snapshot, in the order they arrived.
    public private(set) var records: [SnapshotRecord] = []
    private var pending: [SnapshotRecord] = []

    /// Creates an empty sink.
    public init() {}

    public func begin(connector: String, pluginVersion: String) throws { pending = [] }
    public func write(_ record: SnapshotRecord) throws { pending.append(record) }
    public func commit(_ summary: SyncSummary) throws { records = pending; pending = [] }
    public func abort() { pending = [] }
}
