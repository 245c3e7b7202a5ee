import ConnectorHost
import Foundation
import Testing

/// Stored OAuth credentials of connector instances (issue 16): `connhost auth <instance>`
/// keeps the client id and secret with the tokens, so that `connhost sync <instance>`
/// refreshes unattended, with no secret in flags or the environment.
struct OAuthInstancesTests {
    /// A host-config.json in the fixture's home naming `instances`, each `"name": {…}`.
    static func writeConfig(_ fixture: OAuthFixture, _ instances: [String]) -> String {
        let path = fixture.home.file("host-config.json")
        let json = #"{"pluginsDirectory": "\#(Products.directory)", "connectors": {\#(instances.joined(separator: ", "))}}"#
        FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
        return path
    }

    /// A whole `connhost auth <instance>`, the client secret coming from the plugin's own variable.
    static func authorize(_ instance: String, _ fixture: OAuthFixture, config: String) async throws -> ProcessResult {
        let auth = try AuthProcess([instance, "--config", config],
                                   environment: fixture.environment.merging(["AHA_CLIENT_SECRET": fixture.clientSecret]) { $1 })
        let location = try await fixture.approve(try await auth.authorizeURL())
        #expect(try await LoopbackHTTP.get(location).status == 200)
        let result = await auth.finish()
        #expect(result.status == 0, "\(result.stderr)")
        return result
    }

    static func mode(_ path: String) throws -> Int? {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }

    @Test func anInstanceRefreshesUnattendedUntilItsCredentialIsForgotten() async throws {
        let fixture = try await OAuthFixture(["--users", "260", "--teams", "7", "--seed", "16", "--token-ttl", "3"], xdg: true)
        let config = Self.writeConfig(fixture, [fixture.instanceJSON("prod")])
        let path = fixture.tokenPath(for: "prod")
        let auth = try await Self.authorize("prod", fixture, config: config)
        #expect(auth.stdout.contains("prod: authorized prod; tokens stored in \(path); "), "\(auth.stdout)")

        // One credential: client id and secret with the tokens, 0600 in a 0700 directory.
        let before = try fixture.tokens("prod")
        #expect(before["client_id"] as? String == fixture.clientID)
        #expect(before["client_secret"] as? String == fixture.clientSecret)
        #expect(before["account"] as? String == "prod")
        #expect(try Self.mode(path) == 0o600)
        #expect(try Self.mode(fixture.tokenDirectory) == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.tokenDirectory) == ["prod.json"])
        let oldAccess = try #require(before["access_token"] as? String)
        let oldRefresh = try #require(before["refresh_token"] as? String)

        let listed = try await connhost(["connectors", "--config", config, "--json"], environment: fixture.environment)
        let entry = try #require((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])?.first)
        let credentials = try #require(entry["credentials"] as? [[String: Any]])
        #expect(credentials.count == 1)
        #expect(credentials.first?["source"] as? String == "oauth" && credentials.first?["present"] as? Bool == true, "\(listed.stdout)")

        // Time passes without waiting for it; then a cron run: only HOME and XDG_CONFIG_HOME.
        try await fixture.control("/_fake/expire-access")
        try fixture.backdateStoredExpiry("prod")
        let sync = try await syncJSON("prod", ["--config", config], environment: fixture.environment)
        try await fixture.expectRefreshedOnce(sync)

        // The rotated pair replaced the old one in place, still private, the client kept.
        let after = try fixture.tokens("prod")
        let newAccess = try #require(after["access_token"] as? String)
        let newRefresh = try #require(after["refresh_token"] as? String)
        #expect(newAccess != oldAccess && newRefresh != oldRefresh)
        #expect(after["client_secret"] as? String == fixture.clientSecret)
        #expect(try Self.mode(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.tokenDirectory) == ["prod.json"])

        // Forgotten: the file goes, and the next sync says how to get it back.
        let forget = try await connhost(["auth", "prod", "--config", config, "--forget"], environment: fixture.environment)
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout == "prod: deleted the stored OAuth credential \(path)\n")
        #expect(!FileManager.default.fileExists(atPath: path))
        let unlisted = try await connhost(["connectors", "--config", config], environment: fixture.environment)
        #expect(unlisted.stdout.contains("oauth (missing)"), "\(unlisted.stdout)")
        let orphan = try await syncJSON("prod", ["--config", config], environment: fixture.environment)
        #expect(orphan.result.status == 2)
        #expect(orphan.result.stderr == "connhost: prod: --api-key is missing (or set BATON_API_KEY), and no OAuth tokens are "
                + "stored for prod (\(path)); give an API key, or run 'connhost auth prod' to authorize with OAuth\n")
        #expect(orphan.files.isEmpty)
        let again = try await connhost(["auth", "prod", "--config", config, "--forget"], environment: fixture.environment)
        #expect(again.status == 2)
        #expect(again.stderr == "connhost: prod: no OAuth credential is stored (\(path)); nothing to forget\n")
        #expect(again.stdout.isEmpty)
        AhaOAuthTests.expectNoLeak(auth.output + listed.output + sync.everything + forget.output + orphan.everything,
                                   [fixture.clientSecret, oldAccess, oldRefresh, newAccess, newRefresh])
    }

    @Test func twoInstancesOnTwoTenantsKeepSeparateCredentials() async throws {
        let acme = try await OAuthFixture(["--users", "120", "--teams", "5", "--seed", "61"])
        let beta = try await OAuthFixture(["--users", "35", "--teams", "3", "--seed", "62"], sharing: acme)
        let config = Self.writeConfig(acme, [acme.instanceJSON("acme"), beta.instanceJSON("beta")])
        let authAcme = try await Self.authorize("acme", acme, config: config)
        let authBeta = try await Self.authorize("beta", beta, config: config)
        #expect(try FileManager.default.contentsOfDirectory(atPath: acme.tokenDirectory).sorted() == ["acme.json", "beta.json"])
        #expect(try acme.tokens("acme")["client_id"] as? String == acme.clientID)
        #expect(try acme.tokens("beta")["client_id"] as? String == beta.clientID)
        #expect(try acme.tokens("beta")["client_secret"] as? String == beta.clientSecret)

        // Both expire; one unattended run of both refreshes each with its own client.
        for fixture in [acme, beta] { try await fixture.control("/_fake/expire-access") }
        try acme.backdateStoredExpiry("acme")
        try acme.backdateStoredExpiry("beta")
        let output = try TemporaryDirectory("oauth-instances")
        let sync = try await connhost(["sync", "--all", "--config", config, "--format", "json", "--output", output.path],
                                      environment: acme.environment)
        #expect(sync.status == 0, "\(sync.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        for (fixture, prefix) in [(acme, "acme-"), (beta, "beta-")] {
            let file = try #require(files.first { $0.hasPrefix(prefix) }, "\(files)")
            expectEqual(try GroundTruth.load(path: output.file(file)), try fixture.tenant.truth())
            #expect(try await fixture.oauthStats()["refresh_grants"] == 1)
            // Never the other tenant's token: nothing was refused.
            #expect(try await fixture.tenant.stats()["unauthorized"] as? Int == 0)
        }

        // A credential goes only to the endpoint that issued it, whatever a flag says.
        let redirected = try await connhost(["sync", "acme", "--config", config, "--base-url", beta.tenant.url,
                                             "--output", output.file("redirected.json")], environment: acme.environment)
        #expect(redirected.status == 1)
        #expect(redirected.stderr == "connhost: acme: the OAuth credential stored for acme (\(acme.tokenPath(for: "acme"))) was "
                + "issued by \(acme.tenant.url)/oauth/token, not by \(beta.tenant.url)/oauth/token as configured; "
                + "run 'connhost auth acme' again for this account\n")
        #expect(try await beta.tenant.stats()["unauthorized"] as? Int == 0)

        // Forgetting one leaves the other.
        #expect(try await connhost(["auth", "acme", "--config", config, "--forget"], environment: acme.environment).status == 0)
        let betaAlone = try await syncJSON("beta", ["--config", config], environment: acme.environment)
        #expect(betaAlone.result.status == 0, "\(betaAlone.result.stderr)")
        expectEqual(betaAlone.snapshot, try beta.tenant.truth())
        let everything = authAcme.output + authBeta.output + sync.output + redirected.output + betaAlone.everything
            + files.map { String(decoding: FileManager.default.contents(atPath: output.file($0)) ?? Data(), as: UTF8.self) }.joined()
        AhaOAuthTests.expectNoLeak(everything, [acme.clientSecret, beta.clientSecret,
                                                try acme.tokens("beta")["access_token"] as? String,
                                                try acme.tokens("beta")["refresh_token"] as? String])
    }

    @Test func tokensStoredUnderTheAccountMoveToTheInstance() async throws {
        let fixture = try await OAuthFixture(["--users", "30", "--teams", "2", "--seed", "63"])
        // Authorized before instances existed: `connhost auth aha --base-url …`, format v1.
        try await fixture.authorize()
        try fixture.rewriteStored { document in
            document["format"] = "connhost.oauth-tokens/v1"
            document["client_secret"] = nil
            document["token_url"] = nil
        }
        let config = Self.writeConfig(fixture, [fixture.instanceJSON("prod")])
        let listed = try await connhost(["connectors", "--config", config], environment: fixture.environment)
        #expect(listed.stdout.contains(" oauth ") && !listed.stdout.contains("missing"), "\(listed.stdout)")
        try await fixture.control("/_fake/expire-access")
        try fixture.backdateStoredExpiry()

        // The first run of the instance moves the file; a v1 credential still needs the secret once.
        let first = try await syncJSON("prod", ["--config", config],
                                       environment: fixture.environment.merging(["AHA_CLIENT_SECRET": fixture.clientSecret]) { $1 })
        #expect(first.result.status == 0, "\(first.result.stderr)")
        expectEqual(first.snapshot, try fixture.tenant.truth())
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.tokenDirectory) == ["prod.json"])
        #expect(try fixture.tokens("prod")["client_secret"] as? String == fixture.clientSecret)

        // From then on, unattended (and in a worker process, which finds the same credential).
        try await fixture.control("/_fake/expire-access")
        try fixture.backdateStoredExpiry("prod")
        let second = try await syncJSON("prod", ["--config", config, "--isolate"], environment: fixture.environment)
        #expect(second.result.status == 0, "\(second.result.stderr)")
        expectEqual(second.snapshot, try fixture.tenant.truth())
        #expect(try await fixture.oauthStats()["refresh_grants"] == 2)
        AhaOAuthTests.expectNoLeak(first.everything + second.everything, [fixture.clientSecret])
    }

    @Test func forgetRemovesTheAccountFileAnInstanceWouldAdopt() async throws {
        let fixture = try await OAuthFixture(["--users", "5", "--teams", "2"])
        try await fixture.authorize()
        let config = Self.writeConfig(fixture, [fixture.instanceJSON("prod")])
        let forget = try await connhost(["auth", "prod", "--config", config, "--forget"], environment: fixture.environment)
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout == "prod: deleted the stored OAuth credential \(fixture.tokenPath)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.tokenDirectory).isEmpty)
        let sync = try await connhost(["sync", "prod", "--config", config], environment: fixture.environment)
        #expect(sync.status == 2)
        #expect(sync.stderr.hasSuffix("run 'connhost auth prod' to authorize with OAuth\n"), "\(sync.stderr)")
    }
}
