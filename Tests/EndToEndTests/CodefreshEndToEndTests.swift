import ConnectorHost
import Foundation
import Testing

/// `connhost sync codefresh` against the fake Codefresh tenant.
struct CodefreshEndToEndTests {
    @Test(arguments: [(0, 1), (1, 2), (1000, 3), (57, 4)])
    func snapshotEqualsGroundTruth(users: Int, seed: Int) async throws {
        let tenant = try await FakeTenant("codefresh", ["--users", "\(users)", "--seed", "\(seed)"])
        let outcome = try await syncJSON("codefresh", ["--base-url", tenant.url, "--api-key", tenant.apiKey])
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        let truth = try tenant.truth()
        expectEqual(outcome.snapshot, truth)
        #expect(outcome.summary["requests"] as? Int == 2)
        #expect(!outcome.everything.contains(tenant.apiKey))
    }

    @Test func rolesBecomeTheDocumentedGrants() async throws {
        let tenant = try await FakeTenant("codefresh", ["--users", "200", "--seed", "9"])
        let outcome = try await syncJSON("codefresh", ["--base-url", tenant.url, "--api-key", tenant.apiKey])
        let snapshot = try #require(outcome.snapshot)
        let account = try #require(snapshot.resources.first { $0.type == "account" })
        let grantsByUser = Dictionary(grouping: snapshot.grants, by: \.principal.id)
        var sawBoth = false, sawAdminOnly = false, sawUnknownRole = false
        for user in snapshot.resources where user.type == "user" {
            let slugs = Set((grantsByUser[user.id] ?? []).map { $0.entitlement.split(separator: ":").last.map(String.init) ?? "" })
            let roles = Set((user.profile["roles"] ?? "").split(separator: ",").map(String.init))
            #expect(!slugs.isEmpty, "every user holds a role")
            if roles.contains("Admin") { #expect(slugs.contains("admin")) }
            if roles.contains("User") || !slugs.contains("admin") { #expect(slugs.contains("user")) }
            sawBoth = sawBoth || slugs == ["admin", "user"]
            sawAdminOnly = sawAdminOnly || slugs == ["admin"]
            sawUnknownRole = sawUnknownRole || (!roles.isEmpty && roles.isDisjoint(with: ["Admin", "User"]))
        }
        #expect(sawBoth && sawAdminOnly && sawUnknownRole)
        #expect(snapshot.entitlements.map(\.id) == ["account:\(account.id):admin", "account:\(account.id):user"])
    }

    @Test func theActiveAccountIsChosenByNameAndItsAbsenceIsAnError() async throws {
        let tenant = try await FakeTenant("codefresh", ["--users", "3", "--accounts", "4"])
        let (status, body) = try await tenant.get("/api/user", authorization: tenant.apiKey)
        #expect(status == 200)
        let me = try jsonObject(body)
        let accounts = try #require(me["account"] as? [[String: Any]])
        let active = try #require(me["activeAccountName"] as? String)
        #expect(accounts.first?["name"] as? String != active, "the fake must not put the active account first")
        let outcome = try await syncJSON("codefresh", ["--base-url", tenant.url, "--api-key", tenant.apiKey])
        #expect(outcome.snapshot?.resources.first { $0.type == "account" }?.displayName == active)

        let orphan = try await FakeTenant("codefresh", ["--users", "3", "--no-active-account"])
        let failed = try await syncJSON("codefresh", ["--base-url", orphan.url, "--api-key", orphan.apiKey])
        #expect(failed.result.status == 1)
        #expect(failed.result.stderr.contains("codefresh: the active account 'deleted-account' is not among the key's accounts"),
                "\(failed.result.stderr)")
    }

    @Test func theKeyIsSentRawAndAWrongKeyFails() async throws {
        let tenant = try await FakeTenant("codefresh", ["--users", "3"])
        // The fake answers like the real API: a Bearer prefix is a wrong key.
        #expect(try await tenant.get("/api/user", authorization: "Bearer \(tenant.apiKey)").0 == 401)
        #expect(try await tenant.get("/api/user", authorization: tenant.apiKey).0 == 200)
        let ok = try await connhost(["validate", "codefresh", "--base-url", tenant.url],
                              environment: ["BATON_CODEFRESH_API_KEY": tenant.apiKey])
        #expect(ok.status == 0, "\(ok.stderr)")

        let wrongKey = "cf-wrong-0123456789abcdef"
        let outcome = try await syncJSON("codefresh", ["--base-url", tenant.url], environment: ["BATON_CODEFRESH_API_KEY": wrongKey])
        #expect(outcome.result.status == 1)
        #expect(outcome.result.stderr.contains("codefresh: the API key was rejected by 127.0.0.1 (HTTP 401 on GET /api/user)"))
        #expect(!outcome.everything.contains(wrongKey))
    }
}
