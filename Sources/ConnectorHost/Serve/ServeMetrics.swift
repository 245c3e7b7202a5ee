import Foundation

/// The numbers behind `connhost serve`'s `/metrics`: per instance, runs by status, the
/// last success and duration, what the last successful snapshot held, HTTP traffic and
/// changes by kind, written with ``PrometheusText``.
///
/// Counters count from when the value was made; serve rebuilds it from the run history
/// at start, so they match `connhost syncs`.
public struct ServeMetrics: Sendable {
    /// What one finished run contributes.
    public struct Run: Sendable {
        /// The instance, e.g. `acme`.
        public var instance: String
        /// `ok`, `failed` or `interrupted`.
        public var status: String
        /// When it started.
        public var start: Date
        /// When it ended.
        public var end: Date
        /// For an `ok` run: resources per type in the snapshot.
        public var resources: [String: Int]
        /// For an `ok` run: grants in the snapshot.
        public var grants: Int
        /// HTTP requests made, retries included.
        public var requests: Int
        /// Of those, retries.
        public var retries: Int
        /// Answers with status 429.
        public var rateLimited: Int
        /// For an `ok` run: changes against the previous successful snapshot, by kind.
        public var changes: [ChangeFeed.Kind: Int]

        /// Creates a run.
        public init(instance: String, status: String, start: Date, end: Date, resources: [String: Int] = [:], grants: Int = 0,
                    requests: Int = 0, retries: Int = 0, rateLimited: Int = 0, changes: [ChangeFeed.Kind: Int] = [:]) {
            self.instance = instance
            self.status = status
            self.start = start
            self.end = end
            self.resources = resources
            self.grants = grants
            self.requests = requests
            self.retries = retries
            self.rateLimited = rateLimited
            self.changes = changes
        }
    }

    /// The statuses every instance has a runs counter for, even at zero.
    public static let statuses = ["ok", "failed", "interrupted"]

    private struct Totals: Sendable {
        var runs: [String: Int] = [:]
        var lastSuccess: Date?
        var lastDuration: TimeInterval?
        var resources: [String: Int] = [:]
        var grants: Int?
        var requests = 0
        var retries = 0
        var rateLimited = 0
        var changes: [ChangeFeed.Kind: Int] = [:]
    }

    private var totals: [String: Totals] = [:]

    /// No runs yet.
    public init() {}

    /// Adds a finished run.
    public mutating func record(_ run: Run) {
        var t = totals[run.instance] ?? Totals()
        t.runs[run.status, default: 0] += 1
        t.lastDuration = run.end.timeIntervalSince(run.start)
        t.requests += run.requests
        t.retries += run.retries
        t.rateLimited += run.rateLimited
        if run.status == "ok" {
            t.lastSuccess = run.end
            t.resources = run.resources
            t.grants = run.grants
            for (kind, count) in run.changes { t.changes[kind, default: 0] += count }
        }
        totals[run.instance] = t
    }

    /// The exposition for `instances` (configured ones, each with its zero counters) plus
    /// any other instance a recorded run names; `running` are the instances syncing now.
    public func text(instances: [String], running: Set<String>, up: Bool = true) -> String {
        let names = Set(instances).union(totals.keys).sorted()
        func each(_ value: (String, Totals) -> [(labels: [(String, String)], value: Double)]) -> [(labels: [(String, String)], value: Double)] {
            names.flatMap { value($0, totals[$0] ?? Totals()) }
        }
        func one(_ name: String, _ value: Double) -> [(labels: [(String, String)], value: Double)] {
            [(labels: [("instance", name)], value: value)]
        }
        var out = PrometheusText()
        out.family("connhost_up", .gauge, help: "1 while the scheduler runs.", samples: [(labels: [], value: up ? 1 : 0)])
        out.family("connhost_sync_runs_total", .counter, help: "Finished sync runs by instance and status.", samples: each { name, t in
            (Self.statuses + t.runs.keys.filter { !Self.statuses.contains($0) }.sorted()).map {
                (labels: [("instance", name), ("status", $0)], value: Double(t.runs[$0] ?? 0))
            }
        })
        out.family("connhost_sync_running", .gauge, help: "1 while a sync of the instance runs.", samples: each { name, _ in
            one(name, running.contains(name) ? 1 : 0)
        })
        out.family("connhost_sync_last_success_timestamp_seconds", .gauge, help: "When the last successful sync ended (Unix time).",
                   samples: each { name, t in t.lastSuccess.map { one(name, $0.timeIntervalSince1970) } ?? [] })
        out.family("connhost_sync_last_duration_seconds", .gauge, help: "How long the last finished sync took.",
                   samples: each { name, t in t.lastDuration.map { one(name, $0) } ?? [] })
        out.family("connhost_resources", .gauge, help: "Resources by type in the last successful snapshot.", samples: each { name, t in
            t.resources.keys.sorted().map { (labels: [("instance", name), ("type", $0)], value: Double(t.resources[$0] ?? 0)) }
        })
        out.family("connhost_grants", .gauge, help: "Grants in the last successful snapshot.",
                   samples: each { name, t in t.grants.map { one(name, Double($0)) } ?? [] })
        out.family("connhost_http_requests_total", .counter, help: "HTTP requests made by syncs, retries included.",
                   samples: each { name, t in one(name, Double(t.requests)) })
        out.family("connhost_http_retries_total", .counter, help: "HTTP requests that were retries.",
                   samples: each { name, t in one(name, Double(t.retries)) })
        out.family("connhost_http_rate_limited_total", .counter, help: "HTTP answers with status 429.",
                   samples: each { name, t in one(name, Double(t.rateLimited)) })
        out.family("connhost_changes_total", .counter, help: "Changes found between successive successful syncs, by kind.",
                   samples: each { name, t in
                       ChangeFeed.Kind.allCases.map { (labels: [("instance", name), ("kind", $0.rawValue)], value: Double(t.changes[$0] ?? 0)) }
                   })
        return out.text
    }
}
