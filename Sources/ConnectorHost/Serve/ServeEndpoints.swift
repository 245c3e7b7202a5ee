import Foundation

/// What `connhost serve` answers over HTTP: `/healthz` (200 while the scheduler runs),
/// `/metrics` (Prometheus text) and `/` (the status page), all read from the history and
/// the service's published status, never from a run in progress.
public struct ServeEndpoints: Sendable {
    let service: SyncService
    let history: SyncHistory

    /// Endpoints of `service`, reading `history`.
    public init(service: SyncService, history: SyncHistory) {
        self.service = service
        self.history = history
    }

    /// The answer to `method` `path`.
    public func respond(_ method: String, _ path: String) -> StatusServer.Response {
        guard method == "GET" || method == "HEAD" else { return .text("only GET\n", status: 405) }
        switch path {
        case "/healthz":
            return service.status.serving ? .text("ok\n") : .text("stopping\n", status: 503)
        case "/metrics":
            do {
                return StatusServer.Response(status: 200, contentType: PrometheusText.contentType, body: Array(try metrics().utf8))
            } catch {
                return .text("history: \(ErrorReport.message(for: error))\n", status: 500)
            }
        case "/":
            do {
                return StatusServer.Response(status: 200, contentType: "text/html; charset=utf-8", body: Array(try page().utf8))
            } catch {
                return .text("history: \(ErrorReport.message(for: error))\n", status: 500)
            }
        case let path where path.hasPrefix("/report/"):
            return report(String(path.dropFirst("/report/".count)))
        default:
            return .text("not found\n", status: 404)
        }
    }

    /// The `/metrics` body.
    func metrics() throws -> String {
        let status = service.status
        let totals = try history.totals()
        var text = PrometheusText()
        func byInstance(_ value: (String) throws -> Double?) rethrows -> [(labels: [(String, String)], value: Double)] {
            try status.instances.compactMap { instance in try value(instance.name).map { ([("instance", instance.name)], $0) } }
        }
        var lastOK: [String: SyncHistory.Run] = [:], lastEnded: [String: SyncHistory.Run] = [:]
        for instance in status.instances {
            let recent = try history.runs(instance: instance.name, limit: 200)
            lastOK[instance.name] = recent.first { $0.status == .ok }
            lastEnded[instance.name] = recent.first { $0.status != .running }
        }
        text.family("connhost_up", .gauge, help: "1 while connhost serve schedules syncs.", samples: [([], status.serving ? 1 : 0)])
        text.family("connhost_sync_runs_total", .counter, help: "Sync runs ended, by instance and status.",
                    samples: totals.filter { $0.status != .running }.map { ([("instance", $0.instance), ("status", $0.status.rawValue)], Double($0.runs)) })
        text.family("connhost_sync_running", .gauge, help: "1 while a sync of the instance runs.",
                    samples: byInstance { status.running.contains($0) ? 1 : 0 })
        text.family("connhost_sync_last_success_timestamp_seconds", .gauge, help: "When the last successful sync ended (Unix time).",
                    samples: byInstance { lastOK[$0]?.endedAt?.timeIntervalSince1970 })
        text.family("connhost_sync_last_duration_seconds", .gauge, help: "How long the last ended sync took.",
                    samples: byInstance { lastEnded[$0]?.duration })
        text.family("connhost_sync_next_run_timestamp_seconds", .gauge, help: "When the next sync is due (Unix time).",
                    samples: byInstance { status.next[$0]?.timeIntervalSince1970 })
        text.family("connhost_resources", .gauge, help: "Resources in the last successful sync, by type.",
                    samples: status.instances.flatMap { instance in
                        (lastOK[instance.name]?.resources ?? [:]).sorted { $0.key < $1.key }.map {
                            ([("instance", instance.name), ("type", $0.key)], Double($0.value))
                        }
                    })
        text.family("connhost_grants", .gauge, help: "Grants in the last successful sync.",
                    samples: byInstance { lastOK[$0].map { Double($0.grants) } })
        func sum(_ value: @escaping (SyncHistory.Status, Int, Int, Int) -> Int) -> (String) -> Double? {
            { name in Double(totals.filter { $0.instance == name }.reduce(0) { $0 + value($1.status, $1.requests, $1.retries, $1.rateLimited) }) }
        }
        text.family("connhost_http_requests_total", .counter, help: "HTTP requests sent by finished syncs, retries included.",
                    samples: byInstance(sum { _, requests, _, _ in requests }))
        text.family("connhost_http_retries_total", .counter, help: "HTTP requests that were retries.",
                    samples: byInstance(sum { _, _, retries, _ in retries }))
        text.family("connhost_http_rate_limited_total", .counter, help: "HTTP answers that were 429.",
                    samples: byInstance(sum { _, _, _, limited in limited }))
        let changes = try history.changeCounts()
        text.family("connhost_changes_total", .counter, help: "Changes found between successive successful syncs, by kind.",
                    samples: status.instances.flatMap { instance in
                        ChangeFeed.Kind.allCases.map {
                            ([("instance", instance.name), ("kind", $0.rawValue)], Double(changes[instance.name]?[$0.rawValue] ?? 0))
                        }
                    })
        return text.text
    }

    /// `/report/<instance>`: the access report of the instance's latest successful snapshot,
    /// with what changed since the one before.
    func report(_ name: String) -> StatusServer.Response {
        guard service.status.instances.contains(where: { $0.name == name }) else { return .text("no such instance\n", status: 404) }
        do {
            let snapshots = try history.runs(instance: name, limit: 200).filter { $0.status == .ok }
                .compactMap(\.snapshot).filter { FileManager.default.fileExists(atPath: $0) }
            guard let latest = snapshots.first else { return .text("\(name) has no successful sync yet\n", status: 404) }
            let previous = try snapshots.dropFirst().first.map {
                AccessReport.Source(snapshot: try SnapshotReader.read($0), label: ($0 as NSString).lastPathComponent)
            }
            let report = AccessReport(current: .init(snapshot: try SnapshotReader.read(latest), label: (latest as NSString).lastPathComponent),
                                      previous: previous)
            return StatusServer.Response(status: 200, contentType: "text/html; charset=utf-8", body: report.html())
        } catch {
            return .text("report: \(ErrorReport.message(for: error))\n", status: 500)
        }
    }

    /// The `/` page.
    func page() throws -> String {
        let status = service.status
        let instances = try status.instances.map { instance -> StatusPage.Instance in
            let recent = try history.runs(instance: instance.name, limit: 50)
            let last = recent.first { $0.status != .running }
            var row = StatusPage.Instance(
                name: instance.name, plugin: instance.plugin, schedule: instance.schedule, running: status.running.contains(instance.name),
                lastRun: last.map { StatusPage.Run(start: $0.startedAt, end: $0.endedAt ?? $0.startedAt, status: $0.status.rawValue, error: $0.error) },
                nextRun: status.next[instance.name])
            row.lastSuccess = recent.contains { $0.status == .ok }
            return row
        }
        let changes = try history.changes(since: Date().addingTimeInterval(-7 * 86_400)).suffix(100).reversed().map { recorded in
            var change = recorded.change
            change.instance = recorded.instance
            change.syncID = recorded.syncID
            change.time = recorded.time
            return change
        }
        return StatusPage(instances: instances, changes: Array(changes), now: Date()).html()
    }
}
