import ConnectorHost
import Foundation
import Testing

/// `--rate-limit` is the host's, for every plugin: it replaces the limits a plugin
/// declares (Codefresh declares none), in-process and in an isolated worker.
struct RateLimitOptionTests {
    /// Codefresh's two requests go back to back unless told otherwise; a tenant that
    /// admits one a second refuses the second. `--rate-limit 1/s` spaces them.
    @Test(arguments: [false, true])
    func theHostsLimitAppliesToAPluginThatDeclaresNone(isolate: Bool) async throws {
        let limited = try await FakeTenant("codefresh", ["--users", "12", "--seed", "8", "--rate-limit", "1/s"])
        let outcome = try await syncJSON("codefresh", ["--base-url", limited.url, "--rate-limit", "1/s"] + (isolate ? ["--isolate"] : []),
                                         environment: ["BATON_CODEFRESH_API_KEY": limited.apiKey])
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        expectEqual(outcome.snapshot, try limited.truth())
        #expect(try await limited.stats()["rate_limited"] as? Int == 0)

        // The same tenant without the host's limit: the plugin's own (none) gets a 429.
        let unlimited = try await FakeTenant("codefresh", ["--users", "12", "--seed", "8", "--rate-limit", "1/s"])
        let control = try await syncJSON("codefresh", ["--base-url", unlimited.url],
                                         environment: ["BATON_CODEFRESH_API_KEY": unlimited.apiKey])
        #expect(control.result.status == 0, "\(control.result.stderr)")
        #expect(try await unlimited.stats()["rate_limited"] as? Int ?? 0 > 0)
    }

    /// A service that says in its answers that its window is spent (`X-RateLimit-Remaining: 0`
    /// and `X-RateLimit-Reset`) is waited out: the 1/s tenant above, with no limit declared
    /// or given, now gets no 429.
    @Test func aWindowTheAnswersSaySpentIsWaitedOutWithoutA429() async throws {
        let tenant = try await FakeTenant("codefresh", ["--users", "12", "--seed", "8", "--rate-limit", "1/s", "--rate-limit-headers"])
        let outcome = try await syncJSON("codefresh", ["--base-url", tenant.url],
                                         environment: ["BATON_CODEFRESH_API_KEY": tenant.apiKey])
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        expectEqual(outcome.snapshot, try tenant.truth())
        let stats = try await tenant.stats()
        #expect(stats["rate_limited"] as? Int == 0, "\(stats)")
        #expect(stats["requests"] as? Int == 2, "\(stats)")
    }

    @Test func aBadRateIsAUsageErrorOfOneLine() async throws {
        let result = try await connhost(["sync", "codefresh", "--api-key", "k", "--rate-limit", "fast"])
        #expect(result.status == 2)
        #expect(result.stderr == "connhost: --rate-limit 'fast' is not a rate such as 20/s or 300/min\n")
        let fromEnvironment = try await connhost(["sync", "codefresh", "--api-key", "k"], environment: ["CONNHOST_RATE_LIMIT": "0/s"])
        #expect(fromEnvironment.status == 2)
        #expect(fromEnvironment.stderr == "connhost: CONNHOST_RATE_LIMIT '0/s' is not a rate such as 20/s or 300/min\n")
    }
}
