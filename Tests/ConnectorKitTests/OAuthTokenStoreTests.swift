import ConnectorKit
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The kit's OAuth pieces that need no server: expiry, token files and the authorize URL.
struct OAuthTokenStoreTests {
    static let idField = ConfigField(name: "client-id", env: "ACME_CLIENT_ID", help: "id")
    static let secretField = ConfigField(name: "client-secret", env: "ACME_CLIENT_SECRET", secret: true, help: "secret")

    static func tokens(account: String = "acme", lifetime: TimeInterval? = 3600, at now: Date = Date()) -> OAuth2Tokens {
        OAuth2Tokens(connector: "aha", account: account, clientID: "cid", accessToken: "at-123456", refreshToken: "rt-123456",
                     obtainedAt: now, expiresAt: lifetime.map { now.addingTimeInterval($0) })
    }

    @Test func expiryLeavesAMarginOfAQuarterLifetimeAtMostAMinute() {
        let now = Date()
        let short = Self.tokens(lifetime: 2, at: now)
        #expect(!short.isExpiring(at: now))
        #expect(!short.isExpiring(at: now.addingTimeInterval(1.4)))
        #expect(short.isExpiring(at: now.addingTimeInterval(1.6)))
        let long = Self.tokens(lifetime: 3600, at: now)
        #expect(!long.isExpiring(at: now.addingTimeInterval(3600 - 61)))
        #expect(long.isExpiring(at: now.addingTimeInterval(3600 - 59)))
        #expect(!Self.tokens(lifetime: nil, at: now).isExpiring(at: now.addingTimeInterval(1e9)))
    }

    @Test func storeWritesPrivateFilesAtomicallyAndReadsThemBack() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = OAuth2TokenStore(directory: root + "/connhost/tokens")
        #expect(try store.load(account: "acme") == nil)

        var tokens = Self.tokens()
        tokens.obtainedAt = Date(timeIntervalSince1970: 1_800_000_000)
        tokens.expiresAt = Date(timeIntervalSince1970: 1_800_003_600)
        let path = try store.save(tokens)
        #expect(path == root + "/connhost/tokens/acme.json")
        #expect(try store.load(account: "acme") == tokens)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let directoryMode = (try FileManager.default.attributesOfItem(atPath: store.directory)[.posixPermissions] as? NSNumber)?.intValue
        #expect(directoryMode == 0o700)

        tokens.accessToken = "at-replaced"
        try store.save(tokens)
        #expect(try store.load(account: "acme")?.accessToken == "at-replaced")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory) == ["acme.json"])
    }

    @Test func formatOneIsStillReadAndRemovingDeletesOnlyTheAccountsFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = OAuth2TokenStore(directory: root + "/tokens")
        var tokens = Self.tokens()
        tokens.clientSecret = "cs-123456"
        try store.save(tokens)
        try store.save(Self.tokens(account: "beta"))
        let written = try #require(FileManager.default.contents(atPath: store.path(for: "acme")))
        #expect(String(decoding: written, as: UTF8.self).contains("\"format\" : \"connhost.oauth-tokens/v2\""))
        #expect(try store.load(account: "acme")?.clientSecret == "cs-123456")

        // A file written before the client secret was stored.
        let v1 = #"{"format": "connhost.oauth-tokens/v1", "connector": "aha", "account": "old", "client_id": "cid", "#
            + #""access_token": "at-old-1", "refresh_token": "rt-old-1", "token_type": "bearer", "obtained_at": "2026-01-01T00:00:00Z"}"#
        #expect(FileManager.default.createFile(atPath: store.path(for: "old"), contents: Data(v1.utf8), attributes: [.posixPermissions: 0o600]))
        let old = try #require(try store.load(account: "old"))
        #expect(old.clientSecret == nil && old.tokenURL == nil && old.accessToken == "at-old-1")
        #expect(old.format == "connhost.oauth-tokens/v1")

        #expect(try store.remove(account: "acme") == store.path(for: "acme"))
        #expect(try store.remove(account: "acme") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted() == ["beta.json", "old.json"])
    }

    @Test func looseDirectoryOrFileIsRefusedWithTheFix() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = OAuth2TokenStore(directory: root + "/tokens")
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        chmod(store.directory, 0o777)
        #expect(throws: ConnectorError.other("\(store.directory) has mode 777, so others may read the OAuth tokens; "
                                             + "run chmod 700 \(store.directory) (and revoke the tokens if others could read them)")) {
            try store.save(Self.tokens())
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory).isEmpty)

        chmod(store.directory, 0o700)
        let path = try store.save(Self.tokens())
        chmod(path, 0o644)
        #expect(throws: ConnectorError.other("\(path) has mode 644, so others may read the OAuth tokens; "
                                             + "run chmod 600 \(path) (and revoke the tokens if others could read them)")) {
            try store.load(account: "acme")
        }
        chmod(path, 0o600)
        #expect(try store.load(account: "acme") != nil)
    }

    @Test func accountNamesCannotLeaveTheDirectory() {
        let store = OAuth2TokenStore(directory: "/t")
        #expect(store.path(for: "acme") == "/t/acme.json")
        #expect(store.path(for: "127.0.0.1-8080") == "/t/127.0.0.1-8080.json")
        #expect(store.path(for: "../evil") == "/t/_.._evil.json")
        #expect(store.path(for: "a/b c") == "/t/a_b_c.json")
        #expect(store.path(for: "") == "/t/_.json")
    }

    @Test func standardLocationFollowsXDGThenHome() {
        #expect(OAuth2TokenStore.standard(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]).directory == "/x/connhost/tokens")
        #expect(OAuth2TokenStore.standard(environment: ["XDG_CONFIG_HOME": "", "HOME": "/h"]).directory == "/h/.config/connhost/tokens")
        #expect(OAuth2TokenStore.standard(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]).directory
                == "/h/.config/connhost/tokens")
    }

    @Test func authorizeURLCarriesEveryParameterEncoded() throws {
        let client = OAuth2Client(connector: "aha", account: "acme",
                                  authorizeURL: URL(string: "https://acme.aha.io/oauth/authorize")!,
                                  tokenURL: URL(string: "https://acme.aha.io/oauth/token")!,
                                  clientID: "id+1", clientSecret: "s3cret", redirectURI: "http://127.0.0.1:8765/callback",
                                  scopes: ["read", "write"], clientIDField: Self.idField, clientSecretField: Self.secretField)
        #expect(client.authorizationURL(state: "abc").absoluteString
                == "https://acme.aha.io/oauth/authorize?client_id=id%2B1&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback"
                + "&response_type=code&scope=read%20write&state=abc")
        #expect(!client.authorizationURL(state: "abc").absoluteString.contains("s3cret"))
    }

    @Test func contextRedactsSecretsRegisteredLater() {
        let context = ConnectorContext(secrets: ["client-secret-1"])
        context.registerSecret("at-access-token", "rt-refresh-token")
        #expect(context.redact("client-secret-1 at-access-token rt-refresh-token")
                == "[REDACTED] [REDACTED] [REDACTED]")
    }
}
