import ConnectorHost
import Foundation
import Testing

/// Under injected faults a sync still produces exactly the right snapshot, or fails
/// cleanly; and it stays under a rate limit it knows.
struct FaultToleranceTests {
    static let faultKinds: [(String, [String])] = [
        ("5xx", ["--fail-rate", "0.1"]),
        ("reset", ["--reset-rate", "0.1"]),
        ("truncated JSON", ["--truncate-rate", "0.1"]),
        ("stall past the timeout", ["--stall-ms", "1500", "--stall-rate", "0.1"]),
        ("429", ["--rate-limit", "6/s"]),
        ("429 without Retry-After", ["--rate-limit", "6/s", "--no-retry-after"]),
        ("all at 3 %", ["--fail-rate", "0.03", "--reset-rate", "0.03", "--truncate-rate", "0.03",
                        "--stall-ms", "1500", "--stall-rate", "0.03"]),
    ]

    static func injected(_ stats: [String: Any]) -> Int {
        let faults = stats["faults"] as? [String: Int] ?? [:]
        return (stats["rate_limited"] as? Int ?? 0) + faults.values.reduce(0, +)
    }

    @Test(arguments: faultKinds.map(\.0))
    func ahaSyncIsExactUnderFaults(kind: String) async throws {
        let faults = try #require(Self.faultKinds.first { $0.0 == kind }?.1)
        let tenant = try await FakeTenant("aha", ["--users", "6000", "--teams", "240", "--virtual-users", "30", "--seed", "5"] + faults)
        let outcome = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", tenant.apiKey, "--rate-limit", "1000/s",
                                           "--timeout", "1", "--max-attempts", "10"])
        #expect(outcome.result.status == 0, "\(kind): \(outcome.result.stderr)")
        expectEqual(outcome.snapshot, try tenant.truth())
        let stats = try await tenant.stats()
        #expect(Self.injected(stats) > 0, "\(kind) was never injected: \(stats)")
        #expect(outcome.summary["retries"] as? Int ?? 0 > 0)
    }

    @Test(arguments: faultKinds.map(\.0))
    func codefreshSyncIsExactUnderFaults(kind: String) async throws {
        let faults = try #require(Self.faultKinds.first { $0.0 == kind }?.1)
        // Codefresh needs two requests; sixteen tenants make 32 draws, so every fault kind hits.
        var injected = 0
        for seed in 1...16 {
            let tenant = try await FakeTenant("codefresh", ["--users", "300", "--seed", "\(seed)"] + faults)
            let outcome = try await syncJSON("codefresh", ["--base-url", tenant.url, "--api-key", tenant.apiKey,
                                                     "--timeout", "1", "--max-attempts", "10"])
            #expect(outcome.result.status == 0, "\(kind), seed \(seed): \(outcome.result.stderr)")
            expectEqual(outcome.snapshot, try tenant.truth())
            injected += Self.injected(try await tenant.stats())
            if kind.hasPrefix("429") { break }   // concurrency-free 2 requests never reach 6/s
        }
        if !kind.hasPrefix("429") { #expect(injected > 0, "\(kind) was never injected") }
    }

    @Test(arguments: ["json", "sqlite"])
    func permanentFailureExitsOneAndKeepsThePreviousSnapshot(format: String) async throws {
        let tenant = try await FakeTenant("aha", ["--users", "3000", "--teams", "10", "--fail-after", "4"])
        let work = try TemporaryDirectory()
        let path = work.file("aha.\(format)")
        let previous = Data("last good snapshot".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: previous)
        let result = try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--rate-limit", "1000/s",
                                   "--max-attempts", "3", "--output", path])
        #expect(result.status == 1)
        let line = result.stderr.trimmingCharacters(in: .newlines)
        #expect(line.range(of: #"^connhost: aha: GET /api/v1/(users|teams)\?page=\d+&per_page=200.*: HTTP 500: still failing after 3 attempts; .* was not changed; the next sync of aha into .* resumes where this one stopped$"#,
                           options: .regularExpression) != nil, "\(result.stderr)")
        #expect(FileManager.default.contents(atPath: path) == previous)
        #expect(work.strayTemporaryFiles.isEmpty)
    }

    @Test func knownRateLimitIsNeverExceeded() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "6000", "--teams", "30", "--rate-limit", "20/s"])
        // No --rate-limit: the plugin's own Aha! limits (20/s and 300/min) apply.
        let outcome = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", tenant.apiKey, "--concurrency", "8"])
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        expectEqual(outcome.snapshot, try tenant.truth())
        let stats = try await tenant.stats()
        #expect(stats["requests"] as? Int == 31)
        #expect((stats["peak_per_second"] as? Int ?? 99) <= 20, "\(stats)")
        #expect(stats["rate_limited"] as? Int == 0, "\(stats)")
    }

    @Test func recordOrderDoesNotDependOnConcurrency() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "4100", "--teams", "450", "--virtual-users", "20", "--stall-ms", "30", "--stall-rate", "0.5"])
        let work = try TemporaryDirectory()
        var streams: [[Substring]] = []
        for concurrency in ["1", "8"] {
            let path = work.file("c\(concurrency).ndjson")
            let result = try await connhost(["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey, "--rate-limit", "1000/s",
                                       "--concurrency", concurrency, "--output", path])
            #expect(result.status == 0, "\(result.stderr)")
            let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            streams.append(text.split(separator: "\n").dropLast())   // the last line is the sync_run with timings
        }
        #expect(streams[0].count == 4100 + 450 * 2 + 2 + (try tenant.truth().grants.count))
        #expect(streams[0] == streams[1])
    }
}
