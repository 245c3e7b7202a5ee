import ConnectorKit
import Foundation

/// A resumable file sync: the engine's records are staged in a ``CheckpointStore`` next to
/// the output with the position after every page, as well as streamed to the output sink
/// (which makes them visible only on commit, as always).
///
/// Opening one decides whether the checkpoint an earlier run left is resumed: it must be for
/// the same plugin and version and the same non-secret configuration
/// (``CheckpointIdentity``) and younger than ``Policy/maxAge``; otherwise it is ignored with
/// a ``notice`` and a full sync starts. A resume is keyed by instance name and output
/// directory, which is what a scheduler (`connhost serve`) has on its next run, whatever
/// file name the new snapshot gets. Hand the result to ``SyncEngine/run(staged:)``.
///
/// A resumed sync first replays the kept records into its output in the order they were
/// written, then streams the rest, so a resumed snapshot equals an uninterrupted one. On
/// commit the staging file is removed; on abort (an error, exhausted retries) or when the
/// process dies, it stays for the next run.
public final class StagedSync: SnapshotSink {
    /// Whether, and how old, a checkpoint may be resumed.
    public struct Policy: Sendable {
        /// `--resume-within`'s default: 24 hours.
        public static let defaultMaxAge: TimeInterval = 24 * 3600
        /// `false` (`--no-resume`) deletes any checkpoint and starts over.
        public var resume: Bool
        /// A checkpoint last written longer ago than this is ignored.
        public var maxAge: TimeInterval

        /// Creates a policy.
        public init(resume: Bool = true, maxAge: TimeInterval = Policy.defaultMaxAge) {
            self.resume = resume
            self.maxAge = maxAge
        }
    }

    /// The one line to print before the sync (resumed, or why a checkpoint was ignored); `nil` for none.
    public let notice: String?
    /// The staging file.
    public var checkpointPath: String { store.path }
    /// The id of the sync being staged (kept across resumes).
    public let syncID: String
    /// Where the engine continues; `nil` for a sync from the start.
    let resumePoint: SyncCheckpoint?

    private var store: CheckpointStore
    private let output: any SnapshotSink
    private var connector = ""
    private var pluginVersion = ""
    private var committedRequests: Int?
    /// Whether a checkpoint past the start is saved: something fetched is worth resuming.
    private var keptProgress = false

    /// After an abort: whether the checkpoint was kept for the next run (`false` when the
    /// sync stopped before its first page, and the staging file was removed).
    public private(set) var keepsCheckpoint = false

    /// Opens the staging file of `instance` in `outputDirectory` (taking its lock) and
    /// decides, by `policy`, whether its checkpoint is resumed; `output` gets the snapshot
    /// on commit. Throws when another sync holds the file or it cannot be created.
    public init(instance: String, outputDirectory: String, identity: CheckpointIdentity, policy: Policy,
                output: any SnapshotSink, now: Date = Date()) throws {
        self.output = output
        let path = CheckpointStore.path(instance: instance, directory: outputDirectory)
        store = try CheckpointStore(path: path)
        var saved: CheckpointStore.Saved?
        var ignored: String?
        do {
            saved = try store.saved()
        } catch {
            ignored = "it is unreadable (\(error))"
            store.remove()
            store = try CheckpointStore(path: path)
        }
        if let found = saved, found.records > 0 {
            let age = now.timeIntervalSince(found.updatedAt)
            if !policy.resume {
                ignored = "--no-resume"
            } else if let mismatch = identity.mismatch(with: found.identity) {
                ignored = mismatch
            } else if age > policy.maxAge {
                ignored = "it is \(DurationText.describe(age)) old, older than --resume-within \(DurationText.describe(policy.maxAge))"
            }
            if ignored != nil { saved = nil }
        } else {
            saved = nil
        }
        if let saved {
            syncID = saved.syncID
            resumePoint = saved.position
            let place = saved.position.typeID.isEmpty ? "after its last page"
                : "at \(saved.position.typeID) page \(saved.position.pageNumber)"
            notice = "resumed sync \(syncID) \(place) (\(saved.records) records kept)"
        } else {
            syncID = KSUID().description
            resumePoint = nil
            notice = ignored.map { "ignored the checkpoint \(path): \($0); syncing from the start" }
        }
        if resumePoint == nil {
            try store.start(identity: identity, syncID: syncID, position: .start(firstType: ""))
        }
    }

    /// Hands the kept records to `body` in the order they were written (for the engine to
    /// take up where the interrupted run stopped).
    func forEachKeptRecord(_ body: (SnapshotRecord) throws -> Void) throws {
        try store.forEachRecord(body)
    }

    /// Notes that everything before `position` is written. Commits when a request was made
    /// since the last commit (or `force`): a page that cost no request needs no checkpoint of
    /// its own, which keeps a sync of many childless resources from committing per resource.
    func pageWritten(_ position: SyncCheckpoint, requests: Int, force: Bool = false) throws {
        guard force || requests != committedRequests else { return }
        try store.save(position)
        committedRequests = requests
        if resumePoint != nil || position != .start(firstType: position.typeID) { keptProgress = true }
    }

    // MARK: - SnapshotSink

    /// Begins the output; a resumed sync first hands it the records kept, in their order.
    public func begin(connector: String, pluginVersion: String) throws {
        try output.begin(connector: connector, pluginVersion: pluginVersion)
        if resumePoint != nil { try store.forEachRecord(output.write) }
    }

    /// Stages `record` and streams it to the output as well, so that a sync that is not
    /// interrupted has nothing left to copy at the end.
    public func write(_ record: SnapshotRecord) throws {
        try store.append(record)
        try output.write(record)
    }

    /// Commits the output; then the staging file goes. When the output fails, the records
    /// stay staged and the next run only writes them.
    public func commit(_ summary: SyncSummary) throws {
        do {
            try output.commit(summary)
        } catch {
            output.abort()
            keepsCheckpoint = true
            store.close()
            throw error
        }
        store.remove()
    }

    /// Drops what the last page left uncommitted and keeps the checkpoint for the next run,
    /// unless not one page was kept (a rejected key, an unreachable host).
    public func abort() {
        output.abort()
        if keptProgress || resumePoint != nil {
            keepsCheckpoint = true
            store.close()
        } else {
            store.remove()
        }
    }
}
