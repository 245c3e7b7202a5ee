import ConnectorHost
import Foundation
import Testing

/// `connhost auth aha` and OAuth-authorized syncs against the fake Aha! tenant's
/// authorization server, headless: the test plays the browser.
struct AhaOAuthTests {
    /// Values that must never be printed or written into a snapshot.
    static func expectNoLeak(_ text: String, _ secrets: [String?], sourceLocation: SourceLocation = #_sourceLocation) {
        for case let secret? in secrets where !secret.isEmpty {
            #expect(!text.contains(secret), "a secret was printed: \(secret.prefix(6))…", sourceLocation: sourceLocation)
        }
    }

    @Test func fullFlowStoresPrivateTokensAndSyncsWithThem() async throws {
        let fixture = try await OAuthFixture(["--users", "45", "--teams", "6", "--virtual-users", "3", "--seed", "3"], xdg: true)
        let auth = try fixture.startAuth()
        let authorizeURL = try await auth.authorizeURL()
        #expect(authorizeURL.hasPrefix(fixture.tenant.url + "/oauth/authorize?"))
        let parameters = LoopbackHTTP.query(authorizeURL)
        #expect(parameters["client_id"] == fixture.clientID)
        #expect(parameters["redirect_uri"] == fixture.redirectURI)
        #expect(parameters["response_type"] == "code")
        let state = try #require(parameters["state"])
        #expect(state.count == 32)

        let location = try await fixture.approve(authorizeURL)
        #expect(location.hasPrefix(fixture.redirectURI + "?code="))
        #expect(LoopbackHTTP.query(location)["state"] == state)
        let code = try #require(LoopbackHTTP.query(location)["code"])
        let page = try await LoopbackHTTP.get(location)
        #expect(page.status == 200)
        #expect(page.body.contains("connhost is authorized"))
        let result = await auth.finish()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("aha: authorized \(fixture.account); tokens stored in \(fixture.tokenPath); "
                                       + "the access token expires at "), "\(result.stdout)")
        #expect(result.stderr.contains("connhost: waiting up to 300 s for the redirect to \(fixture.redirectURI)"))

        // Private from the first byte: 0600 file in a 0700 directory, no temp file left.
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.tokenPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let directory = (fixture.tokenPath as NSString).deletingLastPathComponent
        let directoryAttributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((directoryAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["\(fixture.account).json"])
        let tokens = try fixture.tokens()
        let access = try #require(tokens["access_token"] as? String)
        let refresh = try #require(tokens["refresh_token"] as? String)
        #expect(tokens["client_id"] as? String == fixture.clientID)
        #expect(tokens["connector"] as? String == "aha")
        // Issue 16: the credential holds the client secret, so that syncs refresh unattended.
        #expect(tokens["client_secret"] as? String == fixture.clientSecret)
        #expect(tokens["token_url"] as? String == fixture.tenant.url + "/oauth/token")
        #expect(tokens["format"] as? String == "connhost.oauth-tokens/v2")

        // No API key: the stored access token authorizes the sync.
        let sync = try await syncJSON("aha", ["--base-url", fixture.tenant.url], environment: fixture.environment)
        #expect(sync.result.status == 0, "\(sync.result.stderr)")
        expectEqual(sync.snapshot, try fixture.tenant.truth())
        let validate = try await connhost(["validate", "aha", "--base-url", fixture.tenant.url], environment: fixture.environment)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout == "aha: OK, 127.0.0.1 answered: 45 users\n")

        #expect(try await fixture.oauthStats()["code_grants"] == 1)
        #expect(try await fixture.oauthStats()["refresh_attempts"] == 0)
        #expect(try await fixture.tenant.stats()["unauthorized"] as? Int == 0)
        Self.expectNoLeak(result.output + sync.everything + validate.output, [fixture.clientSecret, code, access, refresh])
    }

    @Test func redirectURIMismatchIsRefusedAtAuthorizeAndAtTheTokenEndpoint() async throws {
        let fixture = try await OAuthFixture(["--users", "5", "--teams", "2"])
        let unregistered = "http://127.0.0.1:\(try LoopbackHTTP.freePort())/callback"

        // At authorize: the server shows an error instead of redirecting; connhost times out.
        let auth = try AuthProcess(["aha", "--base-url", fixture.tenant.url, "--client-id", fixture.clientID,
                                    "--client-secret", fixture.clientSecret, "--redirect-uri", unregistered, "--timeout", "3"],
                                   environment: fixture.environment)
        let answer = try await LoopbackHTTP.get(try await auth.authorizeURL())
        #expect(answer.status == 400)
        #expect(answer.location == nil)
        let error = try jsonObject(answer.body)
        #expect(error["error"] as? String == "invalid_request")
        #expect(error["error_description"] as? String == "The redirect_uri does not match the one registered for this application")
        let timedOut = await auth.finish()
        #expect(timedOut.status == 1)
        #expect(timedOut.stderr.hasSuffix("connhost: aha: no authorization reached \(unregistered) within 3 s; if the browser "
                                          + "showed an error about the redirect URI, pass the one registered for the client "
                                          + "with --redirect-uri\n"), "\(timedOut.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.tokenPath))

        // At the token endpoint: a code issued for the registered URI, exchanged with another.
        let pasted = try AuthProcess(["aha", "--base-url", fixture.tenant.url, "--client-id", fixture.clientID,
                                      "--client-secret", fixture.clientSecret, "--redirect-uri", unregistered, "--no-listen"],
                                     environment: fixture.environment)
        let url = try await pasted.authorizeURL()
        var components = try #require(URLComponents(string: url))
        components.queryItems = components.queryItems?.map {
            $0.name == "redirect_uri" ? URLQueryItem(name: "redirect_uri", value: fixture.redirectURI) : $0
        }
        let registered = try #require(components.url?.absoluteString)
        #expect(registered != url)
        let location = try await fixture.approve(registered)
        pasted.paste(location)
        let refused = await pasted.finish()
        #expect(refused.status == 1)
        #expect(refused.stderr.hasSuffix("connhost: aha: 127.0.0.1 refused the authorization code (HTTP 400 invalid_grant: "
                                         + "The redirect_uri does not match the one the code was issued for); "
                                         + "run 'connhost auth aha' again\n"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.tokenPath))
        Self.expectNoLeak(timedOut.output + refused.output, [fixture.clientSecret, LoopbackHTTP.query(location)["code"]])
    }

    @Test func wrongClientSecretIsRejectedWithoutPrintingIt() async throws {
        let fixture = try await OAuthFixture(["--users", "5", "--teams", "2"])
        let wrongSecret = "wrong-secret-\(UUID().uuidString.prefix(8))"
        let auth = try fixture.startAuth(secret: wrongSecret)
        let location = try await fixture.approve(try await auth.authorizeURL())
        let page = try await LoopbackHTTP.get(location)
        #expect(page.status == 502)
        #expect(page.body.contains("Authorization failed"))
        let result = await auth.finish()
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("connhost: aha: 127.0.0.1 rejected the client credentials (HTTP 401 invalid_client: "
                                        + "Client authentication failed (unknown client or wrong client secret)); "
                                        + "check --client-id and --client-secret\n"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.tokenPath))
        #expect(try await fixture.oauthStats()["token_errors"] == 1)
        Self.expectNoLeak(result.output + page.body, [wrongSecret, fixture.clientSecret, LoopbackHTTP.query(location)["code"]])
    }

    @Test func badOrReplayedStateIsRefusedAndTheFlowKeepsWaiting() async throws {
        let fixture = try await OAuthFixture(["--users", "5", "--teams", "2"])
        let first = try await fixture.authorize()
        let firstCode = try #require(LoopbackHTTP.query(first)["code"])
        let firstAccess = try fixture.tokens()["access_token"] as? String

        // A replayed redirect (an earlier run's state), a forged state, none, a stray path:
        // each gets an error page, and the real redirect still completes the run.
        let auth = try fixture.startAuth()
        let authorizeURL = try await auth.authorizeURL()
        let replayed = try await LoopbackHTTP.get(first)
        #expect(replayed.status == 400)
        #expect(replayed.body.contains("does not belong to the authorization connhost is waiting for"))
        #expect(try await LoopbackHTTP.get(fixture.redirectURI + "?code=forged-code&state=forged-state").status == 400)
        #expect(try await LoopbackHTTP.get(fixture.redirectURI + "?code=no-state-code").status == 400)
        let port = URLComponents(string: fixture.redirectURI)!.port!
        #expect(try await LoopbackHTTP.get("http://127.0.0.1:\(port)/favicon.ico").status == 404)
        let location = try await fixture.approve(authorizeURL)
        #expect(try await LoopbackHTTP.get(location).status == 200)
        let result = await auth.finish()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "connhost: refused a redirect whose state does not match this "
                                         + "authorization (a stale or forged link); still waiting\n").count == 4)
        #expect(try fixture.tokens()["access_token"] as? String != firstAccess)

        // Only a replayed redirect arrives: refused, and the run times out.
        let waiting = try fixture.startAuth(["--timeout", "2"])
        _ = try await waiting.authorizeURL()
        #expect(try await LoopbackHTTP.get(first).status == 400)
        let timedOut = await waiting.finish()
        #expect(timedOut.status == 1)
        #expect(timedOut.stderr.hasSuffix("connhost: aha: no authorization reached \(fixture.redirectURI) within 2 s "
                                          + "(refused 1 redirect with a wrong state or no code); if the browser showed an error "
                                          + "about the redirect URI, pass the one registered for the client with --redirect-uri\n"),
                "\(timedOut.stderr)")

        // A used code under the right state (pasted): the server refuses the replay.
        let pasted = try fixture.startAuth(["--no-listen"])
        let state = try #require(LoopbackHTTP.query(try await pasted.authorizeURL())["state"])
        pasted.paste(fixture.redirectURI + "?code=\(firstCode)&state=not-\(state)")
        pasted.paste(fixture.redirectURI + "?code=\(firstCode)&state=\(state)")
        let replay = await pasted.finish()
        #expect(replay.status == 1)
        #expect(replay.stderr.contains("connhost: that URL does not carry the state of this authorization; "
                                       + "paste the URL the browser was sent to\n"))
        #expect(replay.stderr.hasSuffix("connhost: aha: 127.0.0.1 refused the authorization code (HTTP 400 invalid_grant: "
                                        + "The authorization code was already used); run 'connhost auth aha' again\n"),
                "\(replay.stderr)")
        #expect(try await fixture.oauthStats()["code_grants"] == 2)
        Self.expectNoLeak(result.output + timedOut.output + replay.output,
                          [fixture.clientSecret, firstCode, LoopbackHTTP.query(location)["code"], firstAccess])
    }

    @Test func expiredAccessTokenIsRefreshedExactlyOnce() async throws {
        let fixture = try await OAuthFixture(["--users", "450", "--teams", "12", "--seed", "8", "--token-ttl", "3"])
        try await fixture.authorize()
        let before = try fixture.tokens()
        let oldAccess = try #require(before["access_token"] as? String)
        let oldRefresh = try #require(before["refresh_token"] as? String)
        // Time passes without waiting for it: the server expires the token, and the stored
        // expiry connhost reads moves into the past.
        try await fixture.control("/_fake/expire-access")
        try fixture.backdateStoredExpiry()

        // Known expiry: refreshed before the first request, so the API never answers 401.
        let secret = ["AHA_CLIENT_SECRET": fixture.clientSecret]
        let sync = try await syncJSON("aha", ["--base-url", fixture.tenant.url],
                                environment: fixture.environment.merging(secret) { _, new in new })
        try await fixture.expectRefreshedOnce(sync)

        // The rotated pair replaced the old one, atomically and still private.
        let after = try fixture.tokens()
        let newAccess = try #require(after["access_token"] as? String)
        let newRefresh = try #require(after["refresh_token"] as? String)
        #expect(newAccess != oldAccess)
        #expect(newRefresh != oldRefresh)
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.tokenPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let directory = (fixture.tokenPath as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["\(fixture.account).json"])
        Self.expectNoLeak(sync.everything, [fixture.clientSecret, oldAccess, oldRefresh, newAccess, newRefresh])
    }

    @Test func tokenRejectedByTheServerIsRefreshedOnceForConcurrentRequests() async throws {
        let fixture = try await OAuthFixture(["--users", "2100", "--teams", "30", "--seed", "9"])
        try await fixture.authorize()
        let oldRefresh = try fixture.tokens()["refresh_token"] as? String
        try await fixture.control("/_fake/expire-access")

        // Unknown to connhost: the first requests (several in flight) get 401, one refresh serves them all.
        let environment = fixture.environment.merging(["AHA_CLIENT_SECRET": fixture.clientSecret]) { _, new in new }
        let sync = try await syncJSON("aha", ["--base-url", fixture.tenant.url, "--concurrency", "8", "--rate-limit", "1000/s"],
                                environment: environment)
        #expect(sync.result.status == 0, "\(sync.result.stderr)")
        expectEqual(sync.snapshot, try fixture.tenant.truth())
        #expect(try await fixture.oauthStats()["refresh_grants"] == 1)
        #expect(try await fixture.oauthStats()["refresh_attempts"] == 1)
        #expect((try await fixture.tenant.stats()["unauthorized"] as? Int ?? 0) >= 1)
        let newAccess = try fixture.tokens()["access_token"] as? String
        let newRefresh = try fixture.tokens()["refresh_token"] as? String

        // A credential of format v1 (stored before issue 16) holds no client secret: refreshing
        // needs it from the configuration, and without it the sync stops with a hint (exit 2).
        try fixture.rewriteStored { document in
            document["format"] = "connhost.oauth-tokens/v1"
            document["client_secret"] = nil
            document["token_url"] = nil
        }
        try await fixture.control("/_fake/expire-access")
        let withoutSecret = try await syncJSON("aha", ["--base-url", fixture.tenant.url], environment: fixture.environment)
        #expect(withoutSecret.result.status == 2)
        #expect(withoutSecret.result.stderr == "connhost: aha: --client-secret is needed to refresh the expired OAuth access "
                + "token for \(fixture.account): give it (or set AHA_CLIENT_SECRET), or run 'connhost auth aha' again\n")
        #expect(try await fixture.oauthStats()["refresh_attempts"] == 1)
        Self.expectNoLeak(sync.everything + withoutSecret.everything, [fixture.clientSecret, oldRefresh, newAccess, newRefresh])
    }

    @Test func revokedRefreshTokenAsksToAuthorizeAgain() async throws {
        let fixture = try await OAuthFixture(["--users", "5", "--teams", "2"])
        try await fixture.authorize()
        let stored = FileManager.default.contents(atPath: fixture.tokenPath)
        let tokens = try fixture.tokens()
        try await fixture.control("/_fake/revoke-refresh")
        try await fixture.control("/_fake/expire-access")

        let environment = fixture.environment.merging(["AHA_CLIENT_SECRET": fixture.clientSecret]) { _, new in new }
        let expected = "connhost: aha: the OAuth tokens stored for \(fixture.account) could not be refreshed (127.0.0.1 "
            + "answered HTTP 400 invalid_grant: The refresh token is invalid, revoked or already used); "
            + "run 'connhost auth aha' again\n"
        let sync = try await syncJSON("aha", ["--base-url", fixture.tenant.url], environment: environment)
        #expect(sync.result.status == 1)
        #expect(sync.result.stderr == expected, "\(sync.result.stderr)")
        #expect(sync.files.isEmpty)
        let validate = try await connhost(["validate", "aha", "--base-url", fixture.tenant.url], environment: environment)
        #expect(validate.status == 1)
        #expect(validate.stderr == expected)
        #expect(FileManager.default.contents(atPath: fixture.tokenPath) == stored, "a failed refresh must keep the file")
        #expect(try await fixture.oauthStats()["refresh_grants"] == 0)
        Self.expectNoLeak(sync.everything + validate.output,
                          [fixture.clientSecret, tokens["access_token"] as? String, tokens["refresh_token"] as? String])
    }

    @Test func missingCredentialsNameBothWays() async throws {
        let fixture = try await OAuthFixture(["--users", "5", "--teams", "2"])
        let sync = try await connhost(["sync", "aha", "--base-url", fixture.tenant.url], environment: fixture.environment)
        #expect(sync.status == 2)
        #expect(sync.stderr == "connhost: aha: --api-key is missing (or set BATON_API_KEY), and no OAuth tokens are stored "
                + "for \(fixture.account) (\(fixture.tokenPath)); give an API key, or run 'connhost auth aha' to authorize "
                + "with OAuth\n")

        let noSecret = try await connhost(["auth", "aha", "--base-url", fixture.tenant.url, "--client-id", fixture.clientID],
                                    environment: fixture.environment)
        #expect(noSecret.status == 2)
        #expect(noSecret.stderr == "connhost: aha: --client-secret is required to authorize with OAuth (or set AHA_CLIENT_SECRET)\n")

        let remote = try await connhost(["auth", "aha", "--base-url", fixture.tenant.url, "--client-id", fixture.clientID,
                                   "--redirect-uri", "https://example.com/callback"],
                                  environment: fixture.environment.merging(["AHA_CLIENT_SECRET": fixture.clientSecret]) { _, new in new })
        #expect(remote.status == 2)
        #expect(remote.stderr == "connhost: aha: the redirect URI https://example.com/callback is not a loopback http:// "
                + "address, so connhost cannot receive the redirect; use --no-listen and paste the redirected URL\n")

        let codefresh = try await connhost(["auth", "codefresh"], environment: fixture.environment)
        #expect(codefresh.status == 2)
        #expect(codefresh.stderr == "connhost: codefresh does not offer OAuth authorization; give its API key instead "
                + "(see connhost sync codefresh --help)\n")
        Self.expectNoLeak(sync.output + noSecret.output + remote.output, [fixture.clientSecret])
    }
}
