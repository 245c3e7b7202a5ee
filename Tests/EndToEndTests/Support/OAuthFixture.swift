import Foundation
import Testing

/// A fake Aha! tenant with a registered OAuth client, plus a private home directory for
/// connhost's token files: everything an OAuth test needs, unique per test.
final class OAuthFixture {
    let tenant: FakeTenant
    let home: TemporaryDirectory
    let clientID = "client-\(UUID().uuidString.prefix(8))"
    let clientSecret = "client-secret-\(UUID().uuidString)"
    let redirectURI: String
    /// Whether `XDG_CONFIG_HOME` is set (tokens under it) or only `HOME` (under `~/.config`).
    let usesXDG: Bool

    /// Starts the tenant; `tenantArguments` add to the OAuth registration flags. With
    /// `sharing`, connhost runs in that fixture's home (one user, several tenants).
    init(_ tenantArguments: [String] = [], xdg: Bool = false, sharing other: OAuthFixture? = nil) async throws {
        redirectURI = "http://127.0.0.1:\(try LoopbackHTTP.freePort())/callback"
        usesXDG = other?.usesXDG ?? xdg
        home = try other?.home ?? TemporaryDirectory("oauth-home")
        tenant = try await FakeTenant("aha", ["--client-id", clientID, "--client-secret", clientSecret,
                                        "--redirect-uri", redirectURI] + tenantArguments)
    }

    /// The environment of every connhost run: this test's home, nothing of the user's.
    var environment: [String: String] {
        ["HOME": home.path, "XDG_CONFIG_HOME": usesXDG ? home.file("xdg") : ""]
    }

    /// The account connhost stores the tenant's tokens under: host and port.
    var account: String {
        let url = URLComponents(string: tenant.url)!
        return "\(url.host!)-\(url.port!)"
    }

    /// Where the tokens of this tenant are stored when used without an instance.
    var tokenPath: String { tokenPath(for: account) }

    /// The directory of connhost's stored credentials.
    var tokenDirectory: String {
        (usesXDG ? home.file("xdg") : home.file(".config")) + "/connhost/tokens"
    }

    /// Where the credential stored under `name` (an instance, or an account) is.
    func tokenPath(for name: String) -> String { tokenDirectory + "/\(name).json" }

    /// The stored token file (of `name`, else of the account), parsed.
    func tokens(_ name: String? = nil) throws -> [String: Any] { try jsonFile(tokenPath(for: name ?? account)) }

    /// Moves the stored access token's lifetime (of `name`, else of the account) a minute
    /// into the past, as if it had been obtained long ago; the file keeps its 0600 mode.
    func backdateStoredExpiry(_ name: String? = nil) throws {
        try rewriteStored(name) { document in
            let format = ISO8601DateFormatter()
            document["obtained_at"] = format.string(from: Date(timeIntervalSinceNow: -63))
            document["expires_at"] = format.string(from: Date(timeIntervalSinceNow: -60))
        }
    }

    /// Edits the stored credential of `name` (else of the account) in place, keeping its mode.
    func rewriteStored(_ name: String? = nil, _ edit: (inout [String: Any]) -> Void) throws {
        var document = try tokens(name)
        edit(&document)
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        let handle = try #require(FileHandle(forWritingAtPath: tokenPath(for: name ?? account)))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: data)
        try handle.close()
    }

    /// The fake's OAuth counters (`/_fake/oauth`).
    func oauthStats() async throws -> [String: Int] {
        let (status, body) = try await tenant.get("/_fake/oauth")
        #expect(status == 200)
        return try jsonObject(body).compactMapValues { $0 as? Int }
    }

    /// Expects `sync` to have succeeded with the tenant's ground truth after exactly one
    /// refresh, made before the first request (the API never answered 401).
    func expectRefreshedOnce(_ sync: SyncOutcome, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(sync.result.status == 0, "\(sync.result.stderr)", sourceLocation: sourceLocation)
        expectEqual(sync.snapshot, try tenant.truth(), sourceLocation: sourceLocation)
        let stats = try await oauthStats()
        #expect(stats["refresh_attempts"] == 1, sourceLocation: sourceLocation)
        #expect(stats["refresh_grants"] == 1, sourceLocation: sourceLocation)
        #expect(try await tenant.stats()["unauthorized"] as? Int == 0, sourceLocation: sourceLocation)
    }

    /// Calls a `/_fake/…` control endpoint.
    func control(_ path: String) async throws {
        #expect(try await tenant.get(path).0 == 200)
    }

    /// `"<name>": {"plugin": "aha", …}`: this tenant as an instance of host-config.json, with
    /// its client id and redirect URI (the client secret is given to `auth` only).
    func instanceJSON(_ name: String) -> String {
        #""\#(name)": {"plugin": "aha", "base-url": "\#(tenant.url)", "client-id": "\#(clientID)", "redirect-uri": "\#(redirectURI)"}"#
    }

    /// The base auth arguments (client id and secret, redirect URI) plus `extra`.
    func authArguments(_ extra: [String] = [], secret: String? = nil) -> [String] {
        ["aha", "--base-url", tenant.url, "--client-id", clientID, "--client-secret", secret ?? clientSecret,
         "--redirect-uri", redirectURI] + extra
    }

    /// Starts `connhost auth aha` for this tenant.
    func startAuth(_ extra: [String] = [], secret: String? = nil) throws -> AuthProcess {
        try AuthProcess(authArguments(extra, secret: secret), environment: environment)
    }

    /// Plays the browser: GETs the authorize URL at the fake and returns the redirect it answers.
    func approve(_ authorizeURL: String) async throws -> String {
        let answer = try await LoopbackHTTP.get(authorizeURL)
        #expect(answer.status == 302, "\(answer.body)")
        return try #require(answer.location)
    }

    /// A whole successful `connhost auth aha`; returns the redirect URL the browser followed.
    @discardableResult
    func authorize() async throws -> String {
        let auth = try startAuth()
        let location = try await approve(try await auth.authorizeURL())
        #expect(try await LoopbackHTTP.get(location).status == 200)
        let result = await auth.finish()
        #expect(result.status == 0, "\(result.stderr)")
        return location
    }
}
