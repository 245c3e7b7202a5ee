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

    /// Starts the tenant; `tenantArguments` add to the OAuth registration flags.
    init(_ tenantArguments: [String] = [], xdg: Bool = false) throws {
        redirectURI = "http://127.0.0.1:\(try LoopbackHTTP.freePort())/callback"
        usesXDG = xdg
        home = try TemporaryDirectory("oauth-home")
        tenant = try FakeTenant("aha", ["--client-id", clientID, "--client-secret", clientSecret,
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

    /// Where the tokens of this tenant are stored.
    var tokenPath: String {
        (usesXDG ? home.file("xdg") : home.file(".config")) + "/connhost/tokens/\(account).json"
    }

    /// The stored token file, parsed.
    func tokens() throws -> [String: Any] { try jsonFile(tokenPath) }

    /// The fake's OAuth counters (`/_fake/oauth`).
    func oauthStats() throws -> [String: Int] {
        let (status, body) = try tenant.get("/_fake/oauth")
        #expect(status == 200)
        return try jsonObject(body).compactMapValues { $0 as? Int }
    }

    /// Calls a `/_fake/…` control endpoint.
    func control(_ path: String) throws {
        #expect(try tenant.get(path).0 == 200)
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
    func approve(_ authorizeURL: String) throws -> String {
        let answer = try LoopbackHTTP.get(authorizeURL)
        #expect(answer.status == 302, "\(answer.body)")
        return try #require(answer.location)
    }

    /// A whole successful `connhost auth aha`; returns the redirect URL the browser followed.
    @discardableResult
    func authorize() throws -> String {
        let auth = try startAuth()
        let location = try approve(try auth.authorizeURL())
        #expect(try LoopbackHTTP.get(location).status == 200)
        let result = auth.finish()
        #expect(result.status == 0, "\(result.stderr)")
        return location
    }
}
