import ConnectorHost
import ConnectorKit
import Foundation
import Synchronization
import Testing

/// The pieces of `connhost serve` put together the way the command will: a
/// `ScheduleRunner` running real `connhost sync` processes against two changing fake
/// tenants, a `ChangeFeed` per successful run, `ServeMetrics` and a `StatusPage` behind a
/// `StatusServer`. What the command adds later (configuration, history.db) is not here.
@Suite struct ServeBuildingBlocksTests {
    /// What the loop has seen, shared by the syncs and the HTTP thread.
    final class State: Sendable {
        struct Value {
            var metrics = ServeMetrics()
            var previous: [String: Snapshot] = [:]
            var changes: [ChangeFeed.Change] = []
            var runs: [(instance: String, start: Date, end: Date, status: String)] = []
        }
        let value = Mutex(Value())
    }

    @Test func twoInstancesOnEverySecondReportExactlyTheChangesMade() async throws {
        let aha = try await FakeTenant("aha", ["--users", "20", "--teams", "4"])
        let codefresh = try await FakeTenant("codefresh", ["--users", "10"])
        let tenants = ["acme": ("aha", aha), "cf": ("codefresh", codefresh)]
        let work = try TemporaryDirectory()
        let state = State()
        let runner = ScheduleRunner(schedules: ["acme": try Schedule("every 1s"), "cf": try Schedule("every 1s")], maxConcurrent: 4)

        let server = try StatusServer { method, path in
            guard method == "GET" else { return .text("method not allowed\n", status: 405) }
            let plan = runner.plan
            switch path {
            case "/healthz":
                return .text("ok\n")
            case "/metrics":
                let text = state.value.withLock { $0.metrics.text(instances: ["acme", "cf"], running: plan.running) }
                return StatusServer.Response(status: 200, contentType: PrometheusText.contentType, body: Array(text.utf8))
            case "/":
                let (runs, changes) = state.value.withLock { ($0.runs, $0.changes) }
                let instances = ["acme", "cf"].map { name in
                    StatusPage.Instance(name: name, plugin: tenants[name]!.0, schedule: "every 1s", running: plan.running.contains(name),
                                        lastRun: runs.last { $0.instance == name }.map { .init(start: $0.start, end: $0.end, status: $0.status) },
                                        nextRun: plan.nextRun(of: name))
                }
                let html = StatusPage(instances: instances, changes: changes.reversed(), now: Date()).html()
                return StatusServer.Response(status: 200, contentType: "text/html; charset=utf-8", body: Array(html.utf8))
            default:
                return .text("not found\n", status: 404)
            }
        }

        let loop = Task {
            await runner.run { instance, _ in
                let (plugin, tenant) = tenants[instance]!
                let start = Date()
                let path = work.file("\(instance)-\(UUID().uuidString.prefix(8)).json")
                var status = "failed"
                var snapshot: Snapshot?
                if let child = try? ChildProcess(Products.connhost, ["sync", plugin, "--base-url", tenant.url, "--api-key", tenant.apiKey,
                                                                      "--format", "json", "--output", path]) {
                    let result = await withTaskCancellationHandler { await child.finish(timeout: 60) } onCancel: { child.send(SIGTERM) }
                    if Task.isCancelled {
                        status = "interrupted"  // stopped by the loop, whatever the child made of it
                    } else if result.status == 0, let read = try? SnapshotReader.read(path) {
                        status = "ok"
                        snapshot = read
                    }
                }
                let end = Date()
                state.value.withLock { s in
                    var run = ServeMetrics.Run(instance: instance, status: status, start: start, end: end)
                    if let snapshot {
                        run.resources = snapshot.resourceCounts
                        run.grants = snapshot.grants.count
                        if let previous = s.previous[instance] {
                            let feed = ChangeFeed(old: previous, new: snapshot)
                            run.changes = feed.counts
                            s.changes += feed.changes.map { var c = $0; c.instance = instance; c.time = start; return c }
                        }
                        s.previous[instance] = snapshot
                    }
                    s.metrics.record(run)
                    s.runs.append((instance, start, end, status))
                }
            }
        }

        // Two ok runs each, then the tenants change.
        #expect(await eventually(timeout: 60) {
            state.value.withLock { s in ["acme", "cf"].allSatisfy { name in s.runs.filter { $0.instance == name && $0.status == "ok" }.count >= 2 } }
        })
        let ahaUser = try #require(state.value.withLock { $0.previous["acme"] }?.resources(ofType: "user").first { $0.profile["status"] == "enabled" }?.id)
        let cfUser = try #require(state.value.withLock { $0.previous["cf"] }?.resources(ofType: "user").first { $0.profile["status"] == "active" }?.id)
        let (ahaStatus, ahaAnswer) = try await aha.mutate([["op": "disable_user", "user": ahaUser],
                                                           ["op": "add_user", "name": "<script>alert(1)</script>"]])
        let (cfStatus, _) = try await codefresh.mutate([["op": "disable_user", "user": cfUser]])
        #expect(ahaStatus == 200 && cfStatus == 200)
        let added = try #require((ahaAnswer["added_users"] as? [String])?.first)
        let mutatedAt = Date()

        // Wait for a full run of each that started after the mutation.
        #expect(await eventually(timeout: 60) {
            state.value.withLock { s in ["acme", "cf"].allSatisfy { name in s.runs.contains { $0.instance == name && $0.start > mutatedAt && $0.status == "ok" } } }
        })

        let summary = state.value.withLock { s in s.changes.map { "\($0.instance ?? "") \($0.kind.rawValue) \($0.resourceType):\($0.resourceID)" + $0.fields.map { " \($0.field)=\($0.before ?? "nil")->\($0.after ?? "nil")" }.joined() } }
        #expect(summary.sorted() == [
            "acme resource_added user:\(added)",
            "acme resource_changed user:\(ahaUser) profile.status=enabled->disabled",
            "cf resource_changed user:\(cfUser) profile.status=active->suspended",
        ])

        // Runs of one instance never overlap.
        let runs = state.value.withLock { $0.runs }
        for name in ["acme", "cf"] {
            let own = runs.filter { $0.instance == name }
            for (earlier, later) in zip(own, own.dropFirst()) { #expect(later.start >= earlier.end) }
        }

        // Stopped, the loop has ended its runs (cancelled ones as interrupted) and records no more.
        loop.cancel()
        await loop.value

        // HTTP: health, metrics that agree with the runs, a page with the hostile name as text.
        #expect(try await LoopbackHTTP.get(server.url + "/healthz").status == 200)
        let metrics = try await LoopbackHTTP.get(server.url + "/metrics")
        let families = try PrometheusParser.parse(metrics.body)
        let counted = try #require(families.first { $0.name == "connhost_sync_runs_total" })
        let recorded = state.value.withLock { $0.runs }
        for name in ["acme", "cf"] {
            for status in ServeMetrics.statuses {
                let value = counted.samples.first { $0.labels == ["instance": name, "status": status] }?.value ?? -1
                #expect(Int(value) == recorded.filter { $0.instance == name && $0.status == status }.count, "\(name) \(status)")
            }
            #expect(!recorded.contains { $0.instance == name && $0.status == "failed" })
        }
        let changesTotal = try #require(families.first { $0.name == "connhost_changes_total" })
        #expect(changesTotal.samples.first { $0.labels == ["instance": "acme", "kind": "resource_added"] }?.value == 1)
        #expect(changesTotal.samples.first { $0.labels == ["instance": "cf", "kind": "resource_changed"] }?.value == 1)
        let page = try await LoopbackHTTP.get(server.url + "/")
        #expect(page.status == 200)
        #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.body.contains("<script"))
        await server.stop()
    }
}
