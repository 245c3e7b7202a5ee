/// Receives a snapshot as it streams from the sync engine and makes it durable.
///
/// ## Implementation requirements
/// - `write` may be called hundreds of thousands of times: keep per-record memory bounded
///   unless the format itself needs every record (a sorted JSON document does).
/// - Nothing is visible at the destination before `commit` returns; `commit` replaces
///   any previous snapshot atomically (temp file + rename).
/// - After `abort`, or a throwing `commit`, the previous snapshot is byte-identical and
///   no temp files remain.
/// - Every sink passes `SnapshotSinkConformanceTests`.
public protocol SnapshotSink: AnyObject {
    /// Starts a snapshot for `connector` at `version`.
    func begin(connector: String, pluginVersion: String) throws
    /// Adds one record.
    func write(_ record: SnapshotRecord) throws
    /// Finishes the snapshot and makes it visible.
    func commit(_ summary: SyncSummary) throws
    /// Throws the snapshot away; the destination is left as it was.
    func abort()
}
