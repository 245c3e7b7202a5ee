import ConnectorHost
import Foundation
import Testing

/// `connhost serve` against fake tenants: the change feed while tenants change, the run
/// history, the HTTP endpoints, a clean stop, and a restart after `kill -9`.
@Suite struct ServeEndToEndTests {
    static func date(_ value: Any?) -> Date? {
        (value as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
    }

    /// `connhost <command> --config … --json`, parsed as a JSON array of objects.
    /// With `polling`, a history that serve has not created yet reads as empty.
    static func list(_ command: String, config: String, polling: Bool = false) async throws -> [[String: Any]] {
        let result = try await connhost([command, "--config", config, "--json"] + (command == "syncs" ? ["--limit", "1000"] : []))
        if polling && result.status == 2 && result.stderr.contains("no sync history") { return [] }
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    @Test func twoInstancesOnEverySecondReportExactlyTheChangesMade() async throws {
        let aha = try await FakeTenant("aha", ["--users", "20", "--teams", "4"])
        let codefresh = try await FakeTenant("codefresh", ["--users", "10"])
        let work = try TemporaryDirectory("serve")
        let config = work.file("host-config.json")
        try Data("""
            {"pluginsDirectory": "\(Products.directory)",
             "state": {"directory": "state", "keep": 3},
             "connectors": {
               "acme": {"plugin": "aha", "base-url": "\(aha.url)", "api-key": {"env": "ACME_KEY"}, "schedule": "every 1s"},
               "cf": {"plugin": "codefresh", "base-url": "\(codefresh.url)", "api-key": {"env": "CF_KEY"}, "schedule": "every 1s"}}}
            """.utf8).write(to: URL(fileURLWithPath: config))
        let serve = try ChildProcess(Products.connhost, ["serve", "--config", config, "--listen", "127.0.0.1:0"],
                                     environment: ["ACME_KEY": aha.apiKey, "CF_KEY": codefresh.apiKey])
        #expect(await eventually(timeout: 60) { serve.stderr.contains("connhost: serving http://127.0.0.1:") || !serve.isRunning })
        let url = try #require(serve.stderr.split(separator: "\n").first { $0.hasPrefix("connhost: serving ") }?
            .dropFirst("connhost: serving ".count)).description

        func okRuns(_ runs: [[String: Any]], _ instance: String) -> [[String: Any]] {
            runs.filter { $0["instance"] as? String == instance && $0["status"] as? String == "ok" }
        }
        #expect(try await eventually(timeout: 60) {
            let runs = try await Self.list("syncs", config: config, polling: true)
            return okRuns(runs, "acme").count >= 2 && okRuns(runs, "cf").count >= 2
        })

        let ahaUser = try #require(try await aha.currentTruth("before-aha.json").resources(ofType: "user")
            .first { $0.profile["status"] == "enabled" }?.id)
        let cfUser = try #require(try await codefresh.currentTruth("before-cf.json").resources(ofType: "user")
            .first { $0.profile["status"] == "active" }?.id)
        let (ahaStatus, ahaAnswer) = try await aha.mutate([["op": "disable_user", "user": ahaUser],
                                                           ["op": "add_user", "name": "<script>alert(1)</script>"]])
        let (cfStatus, _) = try await codefresh.mutate([["op": "disable_user", "user": cfUser]])
        #expect(ahaStatus == 200 && cfStatus == 200)
        let added = try #require((ahaAnswer["added_users"] as? [String])?.first)
        // History times have whole seconds: a run that started two seconds later saw the change.
        let changedAt = Date().addingTimeInterval(2)
        #expect(try await eventually(timeout: 60) {
            let runs = try await Self.list("syncs", config: config)
            return ["acme", "cf"].allSatisfy { name in okRuns(runs, name).contains { (Self.date($0["started_at"]) ?? .distantPast) >= changedAt } }
        })

        let changes = try await Self.list("changes", config: config).map { change -> String in
            let fields = (change["fields"] as? [[String: Any]] ?? []).map {
                " \($0["field"] as? String ?? "")=\($0["before"] as? String ?? "nil")->\($0["after"] as? String ?? "nil")"
            }
            return "\(change["instance"] as? String ?? "") \(change["kind"] as? String ?? "") "
                + "\(change["resource_type"] as? String ?? ""):\(change["resource_id"] as? String ?? "")" + fields.joined()
        }
        #expect(changes.sorted() == [
            "acme resource_added user:\(added)",
            "acme resource_changed user:\(ahaUser) profile.status=enabled->disabled",
            "cf resource_changed user:\(cfUser) profile.status=active->suspended",
        ])

        // Runs of one instance never overlap.
        let before = try await Self.list("syncs", config: config)
        for name in ["acme", "cf"] {
            // In the order they started (the history's ids; the times are whole seconds).
            let own = before.filter { $0["instance"] as? String == name }
                .sorted { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
                .compactMap { run in Self.date(run["started_at"]).map { ($0, Self.date(run["ended_at"])) } }
            for (earlier, later) in zip(own, own.dropFirst()) {
                #expect(later.0 >= (earlier.1 ?? .distantFuture), "\(name): a run started before the previous one ended")
            }
        }

        // HTTP: health, strict metrics whose run counters lie between two readings of the history.
        #expect(try await LoopbackHTTP.get(url + "/healthz").status == 200)
        let metrics = try await LoopbackHTTP.get(url + "/metrics")
        let after = try await Self.list("syncs", config: config)
        let families = try PrometheusParser.parse(metrics.body)
        let counted = try #require(families.first { $0.name == "connhost_sync_runs_total" })
        for name in ["acme", "cf"] {
            let value = Int(counted.samples.first { $0.labels == ["instance": name, "status": "ok"] }?.value ?? -1)
            #expect(okRuns(before, name).count <= value && value <= okRuns(after, name).count, "\(name): \(value)")
        }
        let changesTotal = try #require(families.first { $0.name == "connhost_changes_total" })
        #expect(changesTotal.samples.first { $0.labels == ["instance": "acme", "kind": "resource_added"] }?.value == 1)
        #expect(changesTotal.samples.first { $0.labels == ["instance": "cf", "kind": "resource_changed"] }?.value == 1)
        let page = try await LoopbackHTTP.get(url + "/")
        #expect(page.status == 200)
        #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.body.contains("<script"))
        // Each instance's name links to the access report of its latest snapshot.
        #expect(page.body.contains("<a href=\"/report/acme\">acme</a>"))
        let report = try await LoopbackHTTP.get(url + "/report/acme")
        #expect(report.status == 200)
        #expect(report.body.contains("Content-Security-Policy") && report.body.contains("acme-"), "\(report.body.prefix(300))")
        #expect(try await LoopbackHTTP.get(url + "/report/nobody").status == 404)

        let lines = try String(contentsOfFile: work.file("state/changes.ndjson"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)

        serve.send(SIGTERM)
        let result = await serve.finish(timeout: 15)
        #expect(result.status == 0 && !result.timedOut, "\(result.stderr)")
        #expect(!result.output.contains(aha.apiKey) && !result.output.contains(codefresh.apiKey))
    }

    /// A config with one slow Aha! instance on `every 1s`, and its tenant.
    static func heldInstance(_ work: TemporaryDirectory) async throws -> (FakeTenant, String) {
        // The first sync makes 4 requests (3 user pages, 1 team page); every request after
        // them is held until GET /_fake/release, so the second sync is still running when a
        // stop lands, however slowly the test runs.
        let aha = try await FakeTenant("aha", ["--users", "600", "--teams", "4", "--hold-after", "4"])
        let config = work.file("host-config.json")
        try Data("""
            {"pluginsDirectory": "\(Products.directory)", "state": {"directory": "state"},
             "connectors": {"acme": {"plugin": "aha", "base-url": "\(aha.url)", "api-key": {"env": "ACME_KEY"}, "schedule": "every 1s"}}}
            """.utf8).write(to: URL(fileURLWithPath: config))
        return (aha, config)
    }

    static func serve(_ config: String, _ aha: FakeTenant) throws -> ChildProcess {
        try ChildProcess(Products.connhost, ["serve", "--config", config, "--listen", "127.0.0.1:0"], environment: ["ACME_KEY": aha.apiKey])
    }

    /// Waits until the history shows an ok run and a run in progress after it; returns the ok run.
    static func okThenRunning(_ config: String) async throws -> [String: Any]? {
        var found: [String: Any]?
        _ = try await eventually(timeout: 90) {
            let runs = try await list("syncs", config: config, polling: true)
            guard runs.first?["status"] as? String == "running" else { return false }
            found = runs.first { $0["status"] as? String == "ok" }
            return found != nil
        }
        return found
    }

    @Test func sigtermMidSyncExitsCleanlyAndKeepsThePreviousSnapshot() async throws {
        let work = try TemporaryDirectory("serve")
        let (aha, config) = try await Self.heldInstance(work)
        let serve = try Self.serve(config, aha)
        let ok = try #require(try await Self.okThenRunning(config))
        let snapshot = try #require(ok["snapshot"] as? String)
        let bytes = try #require(FileManager.default.contents(atPath: snapshot))

        let stopAt = ContinuousClock.now
        serve.send(SIGTERM)
        let result = await serve.finish(timeout: 30)
        #expect(result.status == 0 && !result.signaled, "\(result.stderr)")
        #expect(ContinuousClock.now - stopAt <= .seconds(10))
        let runs = try await Self.list("syncs", config: config)
        #expect(runs.first?["status"] as? String == "interrupted", "\(runs.first ?? [:])\n\(result.stderr)")
        #expect(!runs.contains { $0["status"] as? String == "running" })
        #expect(FileManager.default.contents(atPath: snapshot) == bytes)
        #expect(work.strayTemporaryFiles.isEmpty)
    }

    @Test func afterKill9TheNextStartMarksTheRunInterruptedAndRunsOn() async throws {
        let work = try TemporaryDirectory("serve")
        let (aha, config) = try await Self.heldInstance(work)
        let first = try Self.serve(config, aha)
        _ = try #require(try await Self.okThenRunning(config))
        first.send(SIGKILL)
        let killed = await first.finish(timeout: 30)
        #expect(killed.signaled && killed.status == SIGKILL)
        let left = try await Self.list("syncs", config: config)
        #expect(left.first?["status"] as? String == "running")
        let killedID = left.first?["sync_id"] as? String
        _ = try await aha.get("/_fake/release")

        let second = try Self.serve(config, aha)
        #expect(try await eventually(timeout: 90) {
            let runs = try await Self.list("syncs", config: config)
            return runs.contains { $0["sync_id"] as? String == killedID && $0["status"] as? String == "interrupted" }
                && runs.first { $0["status"] as? String != "running" }?["status"] as? String == "ok"
                && runs.filter { $0["status"] as? String == "ok" }.count >= 2
        })
        #expect(try await SQLiteCLI.run(work.file("state/history.db"), "PRAGMA integrity_check;") == "ok")
        second.send(SIGTERM)
        #expect(await second.finish(timeout: 30).status == 0)
    }
}
