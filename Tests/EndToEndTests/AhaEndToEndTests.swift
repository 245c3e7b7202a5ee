import ConnectorHost
import Foundation
import Testing

/// `connhost sync aha` against the fake Aha! tenant, compared with its ground truth.
struct AhaEndToEndTests {
    static func minimumRequests(users: Int, teams: Int) -> Int {
        max(1, (users + 199) / 200) + max(1, (teams + 199) / 200)
    }

    @Test(arguments: [
        (0, 0, 0, 1), (1, 1, 1, 2), (199, 3, 2, 3), (200, 5, 4, 4), (201, 7, 3, 5), (401, 201, 6, 6), (450, 12, 40, 7),
    ])
    func snapshotEqualsGroundTruth(users: Int, teams: Int, virtualUsers: Int, seed: Int) async throws {
        let tenant = try await FakeTenant("aha", ["--users", "\(users)", "--teams", "\(teams)",
                                            "--virtual-users", "\(virtualUsers)", "--seed", "\(seed)"])
        let outcome = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", tenant.apiKey])
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        let truth = try tenant.truth()
        expectEqual(outcome.snapshot, truth)
        #expect(truth.resources.count == users + teams)
        // The fewest requests: members come with the team list, not one request per team.
        let minimum = Self.minimumRequests(users: users, teams: teams)
        #expect(outcome.summary["requests"] as? Int == minimum)
        #expect(try await tenant.stats()["requests"] as? Int == minimum)
        #expect(!outcome.everything.contains(tenant.apiKey))
    }

    @Test func virtualUsersAreNeitherResourcesNorPrincipals() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "40", "--teams", "6", "--virtual-users", "12", "--seed", "11"])
        let (status, body) = try await tenant.get("/api/v1/teams?per_page=200&fields=id,name,team_members",
                                            authorization: "Bearer \(tenant.apiKey)")
        #expect(status == 200)
        var virtualMemberIDs = Set<String>(), virtualNames = Set<String>(), onlyVirtualTeams = Set<String>()
        for team in try #require(try jsonObject(body)["teams"] as? [[String: Any]]) {
            let raw = team["team_members"]
            let members = (raw as? [[String: Any]]) ?? ((raw as? [String: Any]).map { [$0] } ?? [])
            let virtual = members.filter { $0["virtual"] as? Bool == true }
            virtualMemberIDs.formUnion(virtual.compactMap { $0["id"].map { "\($0)" } })
            virtualNames.formUnion(virtual.compactMap { $0["name"] as? String })
            if !members.isEmpty && virtual.count == members.count { onlyVirtualTeams.insert("\(team["id"]!)") }
        }
        #expect(!virtualMemberIDs.isEmpty, "the tenant should have virtual members")
        #expect(!onlyVirtualTeams.isEmpty, "the tenant should have a team of virtual members only")

        let outcome = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", tenant.apiKey])
        let snapshot = try #require(outcome.snapshot)
        expectEqual(snapshot, try tenant.truth())
        let userIDs = Set(snapshot.resources.filter { $0.type == "user" }.map(\.id))
        #expect(userIDs.isDisjoint(with: virtualMemberIDs))
        #expect(Set(snapshot.grants.map(\.principal.id)).isDisjoint(with: virtualMemberIDs))
        #expect(Set(snapshot.grants.map(\.principal.id)).isSubset(of: userIDs))
        #expect(Set(snapshot.resources.map(\.displayName)).isDisjoint(with: virtualNames))
        for team in onlyVirtualTeams {
            #expect(!snapshot.grants.contains { $0.entitlement == "team:\(team):member" })
            #expect(snapshot.entitlements.contains { $0.id == "team:\(team):member" })
        }
    }

    @Test func wrongKeyFailsClearlyWithoutPrintingIt() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "5", "--teams", "2"])
        let wrongKey = "wrong-key-7c1d52e9a4"
        let work = try TemporaryDirectory()
        let outcome = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", wrongKey, "--verbose"], into: work)
        #expect(outcome.result.status == 1)
        #expect(outcome.result.stderr.contains("aha: the API key was rejected by 127.0.0.1 (HTTP 401 on GET /api/v1/users?page=1&per_page=200)"),
                "\(outcome.result.stderr)")
        #expect(!outcome.everything.contains(wrongKey))
        #expect(work.strayTemporaryFiles.isEmpty)

        // The same through the environment, and through validate.
        let viaEnv = try await connhost(["validate", "aha"], environment: ["BATON_BASE_URL": tenant.url, "BATON_API_KEY": wrongKey])
        #expect(viaEnv.status == 1)
        #expect(viaEnv.stderr.contains("the API key was rejected by 127.0.0.1"))
        #expect(!viaEnv.output.contains(wrongKey))
        let good = try await connhost(["validate", "aha"], environment: ["BATON_BASE_URL": tenant.url, "BATON_API_KEY": tenant.apiKey])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.hasPrefix("aha: OK, 127.0.0.1 answered: 5 users"))
        #expect(!good.output.contains(tenant.apiKey))
    }

    @Test func unreachableHostAndBadURLs() async throws {
        // A port that nothing listens on: bind one, close it, use it.
        let unreachable = try await connhost(["validate", "aha", "--base-url", "http://127.0.0.1:9", "--api-key", "some-key-value"],
                                       environment: ["CONNHOST_TIMEOUT": "5"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("aha: cannot connect to 127.0.0.1"), "\(unreachable.stderr)")

        let slash = try await connhost(["sync", "aha", "--base-url", "https://acme.aha.io/", "--api-key", "k-123456"])
        #expect(slash.status == 2)
        #expect(slash.stderr == "connhost: aha: --base-url 'https://acme.aha.io/' has a trailing slash; use https://acme.aha.io\n")
        // Without an API key the stored OAuth tokens would do; with neither, both are named.
        let home = try TemporaryDirectory("home")
        let missing = try await connhost(["sync", "aha", "--base-url", "acme"], environment: ["HOME": home.path, "XDG_CONFIG_HOME": ""])
        #expect(missing.status == 2)
        #expect(missing.stderr == "connhost: aha: --api-key is missing (or set BATON_API_KEY), and no OAuth tokens are stored "
                + "for acme (\(home.path)/.config/connhost/tokens/acme.json); give an API key, or run 'connhost auth aha' "
                + "to authorize with OAuth\n")
    }

    @Test(arguments: [
        ["--rate-limit", "3/s"],                       // 429 with Retry-After
        ["--rate-limit", "3/s", "--no-retry-after"],   // 429 without it: our own backoff
        ["--fail-rate", "0.25"],                       // 500/502/503/504
    ])
    func transientFailuresAreRetriedToTheExactSnapshot(faults: [String]) async throws {
        let tenant = try await FakeTenant("aha", ["--users", "1200", "--teams", "30", "--virtual-users", "5", "--seed", "21"] + faults)
        // Tell connhost nothing about the server's limit, so that it meets the 429s.
        let outcome = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", tenant.apiKey, "--rate-limit", "1000/s",
                                           "--max-attempts", "8"])
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        expectEqual(outcome.snapshot, try tenant.truth())
        let stats = try await tenant.stats()
        let injected = (stats["rate_limited"] as? Int ?? 0) + ((stats["faults"] as? [String: Int])?["fail"] ?? 0)
        #expect(injected > 0, "the fault was never injected: \(stats)")
        #expect(outcome.summary["retries"] as? Int == injected)
    }

    @Test func limiterStaysUnderAKnownLimit() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "2000", "--teams", "5", "--rate-limit", "4/s"])
        let outcome = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", tenant.apiKey, "--rate-limit", "4/s"])
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        expectEqual(outcome.snapshot, try tenant.truth())
        let stats = try await tenant.stats()
        #expect(stats["requests"] as? Int == 11)
        #expect((stats["peak_per_second"] as? Int ?? 99) <= 4, "\(stats)")
        #expect(stats["rate_limited"] as? Int == 0)
    }
}

/// SIGINT and SIGTERM mid-sync: exit 128 + signal, one line, nothing half-written.
struct InterruptTests {
    @Test(arguments: [("sqlite", SIGTERM), ("json", SIGINT), ("ndjson", SIGTERM)])
    func interruptedSyncLeavesThePreviousSnapshot(format: String, signo: Int32) async throws {
        let tenant = try await FakeTenant("aha", ["--users", "8000", "--teams", "3", "--stall-ms", "2000", "--stall-rate", "1"])
        let work = try TemporaryDirectory()
        let path = work.file("aha.\(format)")
        let previous = Data("previous snapshot\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: previous)

        let sync = try ChildProcess(Products.connhost, ["sync", "aha", "--base-url", tenant.url, "--api-key", tenant.apiKey,
                                                        "--rate-limit", "1000/s", "--format", format, "--output", path])
        // 41 pages at 2 s each: stopped once the tenant has served a few, long before the end.
        #expect(try await eventually { (try await tenant.stats()["requests"] as? Int ?? 0) >= 3 || !sync.isRunning })
        #expect(sync.isRunning)
        sync.send(signo)
        let result = await sync.finish(timeout: 30)
        let stderr = result.stderr
        #expect(result.status == 128 + signo)
        #expect(stderr.contains("aha: interrupted by \(signo == SIGINT ? "SIGINT" : "SIGTERM") after"), "\(stderr)")
        #expect(stderr.hasSuffix("nothing written; \(path) was not changed\n"), "\(stderr)")
        #expect(FileManager.default.contents(atPath: path) == previous)
        #expect(work.strayTemporaryFiles.isEmpty, "\(work.strayTemporaryFiles)")
    }
}
