import ConnectorHost
import ConnectorKit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A FakeSaaS tenant for one test: started on a free loopback port, stopped at the end.
final class FakeTenant {
    let apiKey: String
    let directory: TemporaryDirectory
    private let process: FakeTenantProcess

    var url: String { process.url }

    init(_ kind: String, _ arguments: [String], apiKey: String = "key-\(UUID().uuidString.prefix(12))") async throws {
        self.apiKey = apiKey
        directory = try TemporaryDirectory("tenant")
        process = try await FakeTenantProcess.start(
            executable: Products.fakeSaaS,
            arguments: [kind, "--api-key", apiKey, "--truth", directory.file("truth.json"), "--max-seconds", "300"] + arguments)
    }

    /// What a correct connector must produce.
    func truth() throws -> GroundTruth {
        try GroundTruth.load(path: directory.file("truth.json"))
    }

    /// Server-side counters (`/_fake/stats`).
    func stats() async throws -> [String: Any] {
        let (status, body) = try await get("/_fake/stats")
        #expect(status == 200)
        return try jsonObject(body)
    }

    /// A GET straight to the fake, with an optional Authorization header.
    func get(_ path: String, authorization: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url + path)!)
        request.timeoutInterval = 30
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    deinit { process.stop() }
}

/// A finished `connhost sync … --format json`: its snapshot, summary and output streams.
struct SyncOutcome {
    var result: ProcessResult
    var snapshot: GroundTruth?
    var summary: [String: Any]
    var files: [String]

    /// Everything the run printed or wrote, for "no secret anywhere" checks.
    var everything: String {
        result.output + files.map { String(decoding: FileManager.default.contents(atPath: $0) ?? Data(), as: UTF8.self) }.joined()
    }
}

/// Runs `connhost sync <plugin>` into a JSON snapshot and reads it back.
func syncJSON(_ plugin: String, _ arguments: [String], environment: [String: String] = [:],
              into directory: TemporaryDirectory? = nil) async throws -> SyncOutcome {
    let work = try directory ?? TemporaryDirectory("sync")
    let output = work.file("\(plugin)-\(UUID().uuidString.prefix(8)).json")
    let result = try await connhost(["sync", plugin, "--output", output, "--json"] + arguments, environment: environment)
    var snapshot: GroundTruth?
    var summary: [String: Any] = [:]
    if result.status == 0 {
        snapshot = try GroundTruth.load(path: output)
        summary = try jsonObject(result.stdout)["summary"] as? [String: Any] ?? [:]
    }
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []).map(work.file)
    return SyncOutcome(result: result, snapshot: snapshot, summary: summary, files: files)
}

/// Expects two snapshots to hold exactly the same records.
func expectEqual(_ actual: GroundTruth?, _ expected: GroundTruth, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("no snapshot", sourceLocation: sourceLocation)
        return
    }
    #expect(actual.resourceTypes == expected.resourceTypes, sourceLocation: sourceLocation)
    #expect(actual.resources.count == expected.resources.count, sourceLocation: sourceLocation)
    #expect(actual.resources == expected.resources, sourceLocation: sourceLocation)
    #expect(actual.entitlements == expected.entitlements, sourceLocation: sourceLocation)
    #expect(actual.grants.count == expected.grants.count, sourceLocation: sourceLocation)
    #expect(actual.grants == expected.grants, sourceLocation: sourceLocation)
}
