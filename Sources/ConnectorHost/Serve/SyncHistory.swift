import Foundation

/// `history.db`: every run `connhost serve` started, and the changes each successful run
/// found, in one SQLite database in write-ahead-log mode, so `connhost syncs` and
/// `connhost changes` read it while serve writes.
///
/// A run is recorded `running` when it starts and finished as `ok`, `failed` or
/// `interrupted`; a run still `running` when serve starts again was cut short by a crash or
/// `kill -9`, and ``markAbandonedRunsInterrupted()`` says so. Each write is one transaction,
/// so the file is never half-written.
public final class SyncHistory: @unchecked Sendable {
    /// How a run ended (or that it has not).
    public enum Status: String, Codable, Sendable, CaseIterable {
        case running, ok, failed, interrupted
    }

    /// One run, as `connhost syncs` shows it.
    public struct Run: Codable, Sendable, Equatable {
        public var id: Int64
        public var instance: String
        public var plugin: String
        public var pluginVersion: String
        public var syncID: String
        public var startedAt: Date
        public var endedAt: Date?
        public var status: Status
        public var error: String?
        public var resources: [String: Int]
        public var entitlements: Int
        public var grants: Int
        public var requests: Int
        public var retries: Int
        public var rateLimited: Int
        public var snapshot: String?

        enum CodingKeys: String, CodingKey {
            case id, instance, plugin, pluginVersion = "plugin_version", syncID = "sync_id", startedAt = "started_at"
            case endedAt = "ended_at", status, error, resources, entitlements, grants, requests, retries
            case rateLimited = "rate_limited", snapshot
        }

        /// Seconds from start to end, when ended.
        public var duration: TimeInterval? { endedAt.map { $0.timeIntervalSince(startedAt) } }
    }

    /// One recorded change: the instance and sync it came from, and the change.
    public struct RecordedChange: Sendable {
        public var instance: String
        public var syncID: String
        public var time: Date
        public var change: ChangeFeed.Change
    }

    private let database: SQLiteDatabase
    private let lock = NSLock()

    /// Opens (and creates or migrates) the history at `path`.
    public init(path: String) throws {
        database = try SQLiteDatabase(path: path, mode: .create)
        try database.setBusyTimeout(10)
        try database.enableWriteAheadLog()
        try database.execute("""
            CREATE TABLE IF NOT EXISTS runs (
              id INTEGER PRIMARY KEY, instance TEXT NOT NULL, plugin TEXT NOT NULL, plugin_version TEXT NOT NULL,
              sync_id TEXT NOT NULL, started_at REAL NOT NULL, ended_at REAL, status TEXT NOT NULL, error TEXT,
              resources TEXT NOT NULL DEFAULT '{}', entitlements INTEGER NOT NULL DEFAULT 0, grants INTEGER NOT NULL DEFAULT 0,
              requests INTEGER NOT NULL DEFAULT 0, retries INTEGER NOT NULL DEFAULT 0, rate_limited INTEGER NOT NULL DEFAULT 0,
              snapshot TEXT);
            CREATE INDEX IF NOT EXISTS runs_by_instance ON runs (instance, started_at);
            CREATE TABLE IF NOT EXISTS changes (
              id INTEGER PRIMARY KEY, instance TEXT NOT NULL, sync_id TEXT NOT NULL, time REAL NOT NULL,
              kind TEXT NOT NULL, change TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS changes_by_time ON changes (time);
            """)
    }

    /// Marks runs left `running` by a process that is gone as `interrupted`; returns how many.
    @discardableResult
    public func markAbandonedRunsInterrupted(at now: Date = Date()) throws -> Int {
        try locked {
            let count = Int(try database.value("SELECT count(*) FROM runs WHERE status = 'running'").flatMap { Int($0) } ?? 0)
            try database.prepare("UPDATE runs SET status = 'interrupted', ended_at = ?1, error = 'connhost serve stopped before the run ended' WHERE status = 'running'")
                .run([String(now.timeIntervalSince1970)])
            return count
        }
    }

    /// Records a run starting now; returns its id.
    public func begin(instance: String, plugin: String, pluginVersion: String, syncID: String, at start: Date) throws -> Int64 {
        try locked {
            try database.prepare("INSERT INTO runs (instance, plugin, plugin_version, sync_id, started_at, status) VALUES (?1, ?2, ?3, ?4, ?5, 'running')")
                .run([instance, plugin, pluginVersion, syncID, String(start.timeIntervalSince1970)])
            return Int64(try database.value("SELECT last_insert_rowid()") ?? "0") ?? 0
        }
    }

    /// Records how run `id` ended.
    public func finish(_ id: Int64, status: Status, at end: Date, summary: SyncSummary?, error: String?, snapshot: String?) throws {
        let resources = String(decoding: try RecordEncoder().encode(summary?.resources ?? [:]), as: UTF8.self)
        try locked {
            try database.prepare("""
                UPDATE runs SET status = ?2, ended_at = ?3, error = ?4, resources = ?5, entitlements = ?6, grants = ?7,
                  requests = ?8, retries = ?9, rate_limited = ?10, snapshot = ?11 WHERE id = ?1
                """).run([String(id), status.rawValue, String(end.timeIntervalSince1970), error, resources,
                          String(summary?.entitlements ?? 0), String(summary?.grants ?? 0), String(summary?.requests ?? 0),
                          String(summary?.retries ?? 0), String(summary?.rateLimited ?? 0), snapshot])
        }
    }

    /// Runs, newest first: of `instance` only when given, at most `limit`.
    public func runs(instance: String? = nil, limit: Int = 1000) throws -> [Run] {
        try locked {
            try database.rows("""
                SELECT id, instance, plugin, plugin_version, sync_id, started_at, ended_at, status, error, resources,
                       entitlements, grants, requests, retries, rate_limited, snapshot
                FROM runs WHERE ?1 IS NULL OR instance = ?1 ORDER BY started_at DESC, id DESC LIMIT ?2
                """, [instance, String(limit)]) { row in
                Run(id: row.integer(0), instance: row.text(1), plugin: row.text(2), pluginVersion: row.text(3), syncID: row.text(4),
                    startedAt: Date(timeIntervalSince1970: row.real(5)),
                    endedAt: row.isNull(6) ? nil : Date(timeIntervalSince1970: row.real(6)),
                    status: Status(rawValue: row.text(7)) ?? .failed, error: row.optionalText(8),
                    resources: (try? JSONDecoder().decode([String: Int].self, from: Data(row.text(9).utf8))) ?? [:],
                    entitlements: Int(row.integer(10)), grants: Int(row.integer(11)), requests: Int(row.integer(12)),
                    retries: Int(row.integer(13)), rateLimited: Int(row.integer(14)), snapshot: row.optionalText(15))
            }
        }
    }

    /// The newest successful run of `instance`.
    public func lastSuccessful(instance: String) throws -> Run? {
        try runs(instance: instance).first { $0.status == .ok }
    }

    /// Records the changes one successful run found, in one transaction.
    public func record(_ changes: [ChangeFeed.Change], instance: String, syncID: String, at time: Date) throws {
        let encoder = RecordEncoder()
        let lines = try changes.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try locked {
            try database.transaction {
                let insert = try database.prepare("INSERT INTO changes (instance, sync_id, time, kind, change) VALUES (?1, ?2, ?3, ?4, ?5)")
                for (change, line) in zip(changes, lines) {
                    try insert.run([instance, syncID, String(time.timeIntervalSince1970), change.kind.rawValue, line])
                    insert.reset()
                }
            }
        }
    }

    /// Recorded changes, oldest first: of `instance` only when given, at or after `since`.
    public func changes(instance: String? = nil, since: Date? = nil) throws -> [RecordedChange] {
        try locked {
            try database.rows("""
                SELECT instance, sync_id, time, change FROM changes
                WHERE (?1 IS NULL OR instance = ?1) AND (?2 IS NULL OR time >= ?2) ORDER BY time, id
                """, [instance, since.map { String($0.timeIntervalSince1970) }]) { row in
                RecordedChange(instance: row.text(0), syncID: row.text(1), time: Date(timeIntervalSince1970: row.real(2)),
                               change: try JSONDecoder().decode(ChangeFeed.Change.self, from: Data(row.text(3).utf8)))
            }
        }
    }

    /// Per instance and status: runs, and the requests, retries and 429s they made (for `/metrics`).
    public func totals() throws -> [(instance: String, status: Status, runs: Int, requests: Int, retries: Int, rateLimited: Int)] {
        try locked {
            try database.rows("""
                SELECT instance, status, count(*), sum(requests), sum(retries), sum(rate_limited)
                FROM runs GROUP BY instance, status ORDER BY instance, status
                """) { row in
                (row.text(0), Status(rawValue: row.text(1)) ?? .failed, Int(row.integer(2)), Int(row.integer(3)),
                 Int(row.integer(4)), Int(row.integer(5)))
            }
        }
    }

    /// How many changes of each kind were recorded, by instance (for `/metrics`).
    public func changeCounts() throws -> [String: [String: Int]] {
        try locked {
            var counts: [String: [String: Int]] = [:]
            _ = try database.rows("SELECT instance, kind, count(*) FROM changes GROUP BY instance, kind") { row in
                counts[row.text(0), default: [:]][row.text(1)] = Int(row.integer(2))
            }
            return counts
        }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
