import Foundation

/// Runs one scheduled sync of a connector instance for `connhost serve`: the snapshot into
/// `<state>/<instance>/`, the run into the history, and what changed since the instance's
/// previous successful run into the history and `<state>/changes.ndjson`.
///
/// A failed or interrupted run writes nothing but its history row and its checkpoint: the
/// sink is aborted, so the earlier snapshots stay as they were, and the next run of the
/// instance resumes from the checkpoint. Only the newest `keep` successful snapshots of
/// an instance stay on disk; their runs stay in the history.
public struct InstanceRunner: Sendable {
    /// How one run ended.
    public struct Outcome: Sendable {
        public var status: SyncHistory.Status
        public var syncID: String
        public var summary: SyncSummary?
        public var error: String?
        public var changes: [ChangeFeed.Change]
        public var snapshot: String?
    }

    /// Where snapshots and `changes.ndjson` go.
    public let stateDirectory: String
    /// Successful snapshots kept per instance.
    public let keep: Int
    /// The run history.
    public let history: SyncHistory

    /// Creates a runner writing under `stateDirectory`.
    public init(stateDirectory: String, keep: Int, history: SyncHistory) {
        self.stateDirectory = stateDirectory
        self.keep = max(1, keep)
        self.history = history
    }

    /// `<state>/changes.ndjson`.
    public var changesFile: String { (stateDirectory as NSString).appendingPathComponent("changes.ndjson") }

    /// Syncs `connector` once; cancellation of the calling task interrupts the sync.
    public func run(_ connector: ConfiguredPlugin) async -> Outcome {
        let start = Date()
        let syncID = KSUID(date: start).description
        var outcome = Outcome(status: .failed, syncID: syncID, summary: nil, error: nil, changes: [], snapshot: nil)
        let directory = (stateDirectory as NSString).appendingPathComponent(connector.name)
        let path = (directory as NSString).appendingPathComponent("\(connector.name)-\(Timestamp.compact(start)).db")
        let runID: Int64
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            runID = try history.begin(instance: connector.name, plugin: connector.plugin.metadata.name,
                                      pluginVersion: connector.plugin.metadata.version, syncID: syncID, at: start)
        } catch {
            outcome.error = ErrorReport.message(for: error, connector: connector.name)
            return outcome
        }
        let previous = try? history.lastSuccessful(instance: connector.name)
        var feed: ChangeFeed?
        do {
            // Staged beside the instance's snapshots: a run that serve's stop, a crash or the
            // network cut short is taken up where it stopped by the instance's next run.
            let staged = try StagedSync(instance: connector.name, outputDirectory: directory,
                                        identity: CheckpointIdentity(metadata: connector.plugin.metadata, config: connector.config),
                                        policy: StagedSync.Policy(), output: try SnapshotFormat.sqlite.makeSink(destination: path))
            let session = try connector.makeSession()
            outcome.summary = try await SyncEngine(metadata: connector.plugin.metadata, session: session,
                                                   context: connector.context).run(staged: staged)
            outcome.status = .ok
            outcome.snapshot = path
        } catch {
            outcome.status = Task.isCancelled || error is CancellationError ? .interrupted : .failed
            outcome.error = outcome.status == .interrupted ? "interrupted: connhost serve is stopping"
                : ErrorReport.message(for: error, connector: connector.name, redact: connector.context.redact)
        }
        if outcome.status == .ok, let old = previous?.snapshot, FileManager.default.fileExists(atPath: old) {
            do {
                feed = ChangeFeed(old: try SnapshotReader.read(old), new: try SnapshotReader.read(path))
                outcome.changes = feed?.changes ?? []
            } catch {
                outcome.error = "the changes since the previous run could not be read: \(ErrorReport.message(for: error))"
            }
        }
        let end = Date()
        do {
            try history.finish(runID, status: outcome.status, at: end, summary: outcome.summary, error: outcome.error,
                               snapshot: outcome.snapshot)
            if let feed, !feed.changes.isEmpty {
                try history.record(feed.changes, instance: connector.name, syncID: syncID, at: end)
                try ChangeLog(path: changesFile).append(feed.ndjson(instance: connector.name, syncID: syncID, time: end))
            }
            if outcome.status == .ok { try prune(connector.name) }
        } catch {
            outcome.error = (outcome.error.map { $0 + "; " } ?? "") + "history: \(ErrorReport.message(for: error))"
        }
        return outcome
    }

    /// Removes the snapshot files of successful runs older than the newest `keep`.
    private func prune(_ instance: String) throws {
        let successful = try history.runs(instance: instance).filter { $0.status == .ok }
        for run in successful.dropFirst(keep) {
            if let snapshot = run.snapshot { try? FileManager.default.removeItem(atPath: snapshot) }
        }
    }
}
