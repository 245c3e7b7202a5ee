import ConnectorHost
import Foundation
import Testing
import TestSupport

/// `ServeMetrics`: the exposition parses strictly and its numbers are the recorded runs'.
@Suite struct ServeMetricsTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// `name{labels}` → value, from the strict parser.
    static func values(_ text: String) throws -> [String: Double] {
        var values: [String: Double] = [:]
        for family in try PrometheusParser.parse(text) {
            for sample in family.samples {
                let labels = sample.labels.keys.sorted().map { "\($0)=\(sample.labels[$0]!)" }.joined(separator: ",")
                values["\(sample.name){\(labels)}"] = sample.value
            }
        }
        return values
    }

    @Test func countsRunsAndKeepsTheLastSuccessfulSnapshotsNumbers() throws {
        var metrics = ServeMetrics()
        metrics.record(.init(instance: "acme", status: "ok", start: Self.t0, end: Self.t0.addingTimeInterval(2.5),
                             resources: ["user": 40, "team": 6], grants: 90, requests: 12, retries: 1, rateLimited: 1,
                             changes: [:]))
        metrics.record(.init(instance: "acme", status: "ok", start: Self.t0.addingTimeInterval(60), end: Self.t0.addingTimeInterval(61),
                             resources: ["user": 41, "team": 6], grants: 91, requests: 10,
                             changes: [.resourceAdded: 1, .grantAdded: 1]))
        metrics.record(.init(instance: "acme", status: "failed", start: Self.t0.addingTimeInterval(120),
                             end: Self.t0.addingTimeInterval(120.25), requests: 3, retries: 2, rateLimited: 2))
        metrics.record(.init(instance: "cf", status: "interrupted", start: Self.t0, end: Self.t0.addingTimeInterval(5), requests: 1))

        let text = metrics.text(instances: ["acme", "cf", "idle"], running: ["cf"])
        let v = try Self.values(text)
        #expect(v["connhost_up{}"] == 1)
        #expect(v["connhost_sync_runs_total{instance=acme,status=ok}"] == 2)
        #expect(v["connhost_sync_runs_total{instance=acme,status=failed}"] == 1)
        #expect(v["connhost_sync_runs_total{instance=acme,status=interrupted}"] == 0)
        #expect(v["connhost_sync_runs_total{instance=cf,status=interrupted}"] == 1)
        #expect(v["connhost_sync_runs_total{instance=idle,status=ok}"] == 0)
        #expect(v["connhost_sync_running{instance=cf}"] == 1 && v["connhost_sync_running{instance=acme}"] == 0)
        #expect(v["connhost_sync_last_success_timestamp_seconds{instance=acme}"] == 1_800_000_061)
        #expect(v["connhost_sync_last_success_timestamp_seconds{instance=cf}"] == nil)
        #expect(v["connhost_sync_last_duration_seconds{instance=acme}"] == 0.25)
        // A failed run leaves the last successful snapshot's numbers.
        #expect(v["connhost_resources{instance=acme,type=user}"] == 41 && v["connhost_resources{instance=acme,type=team}"] == 6)
        #expect(v["connhost_grants{instance=acme}"] == 91)
        #expect(v["connhost_http_requests_total{instance=acme}"] == 25)
        #expect(v["connhost_http_retries_total{instance=acme}"] == 3)
        #expect(v["connhost_http_rate_limited_total{instance=acme}"] == 3)
        #expect(v["connhost_changes_total{instance=acme,kind=resource_added}"] == 1)
        #expect(v["connhost_changes_total{instance=acme,kind=grant_removed}"] == 0)
        #expect(v["connhost_changes_total{instance=idle,kind=grant_added}"] == 0)
        // Every counter of an instance exists from the start, at zero.
        #expect(v.keys.filter { $0.contains("instance=idle") }.count == 3 + 1 + 3 + ChangeFeed.Kind.allCases.count)
    }

    @Test func instanceNamesAreEscapedAndUpFollowsTheScheduler() throws {
        var metrics = ServeMetrics()
        let odd = "we\"ird\\name\n"
        metrics.record(.init(instance: odd, status: "ok", start: Self.t0, end: Self.t0, resources: ["user": 1]))
        let text = metrics.text(instances: [], running: [], up: false)
        #expect(text.contains("connhost_grants{instance=\"we\\\"ird\\\\name\\n\"} 0"))
        let v = try Self.values(text)
        #expect(v["connhost_up{}"] == 0)
        #expect(v["connhost_resources{instance=\(odd),type=user}"] == 1)
    }
}
