import ConnectorKit
import Foundation
import Testing

/// What the kit does with a plugin's declaration: validating fields by kind, choosing the
/// credential, naming the stored-token account, and the OAuth client for `connhost auth`.
struct ServiceDeclarationTests {
    static let apiKey = ConfigField("api-key", env: "ACME_API_KEY", kind: .secret, help: "a key")
    static let declaration = ServiceDeclaration(
        baseURL: .accountURL(env: "ACME_BASE_URL", domain: "acme.io", help: "account URL"),
        authentication: [.apiKey(apiKey), .oauth2(service: "Acme", authorizePath: "oauth/authorize", tokenPath: "oauth/token",
                                                 environmentPrefix: "ACME")])

    /// A context whose token store is a fresh private directory, removed afterwards.
    static func withContext<T>(instance: String? = nil, tokens: [OAuth2Tokens] = [],
                               _ body: (ConnectorContext) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("declaration-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = OAuth2TokenStore(directory: root + "/tokens")
        for token in tokens { try store.save(token) }
        return try await body(ConnectorContext(maxAttempts: 1, tokenStore: store, instance: instance))
    }

    /// The `Authorization` header the declared client sends for `config`.
    static func authorization(_ config: [String: String], declaration: ServiceDeclaration = declaration,
                              context: ConnectorContext) async throws -> String? {
        let script = HTTPClientTests.Script([.success(.json("{}"))])
        let client = try declaration.makeClient(connector: "acme", config: ConnectorConfiguration(config), context: context,
                                                transport: script)
        struct Empty: Decodable {}
        _ = try await client.get("/ping", as: Empty.self)
        #expect(client.baseURL.absoluteString == "https://acme.acme.io")
        return script.sent.first?.value(forHTTPHeaderField: "Authorization")
    }

    static func tokens(account: String) -> OAuth2Tokens {
        OAuth2Tokens(connector: "acme", account: account, clientID: "cid", accessToken: "stored-\(account)-token",
                     refreshToken: "refresh-123456")
    }

    @Test func fieldsAreValidatedByKindWithMessagesThatNameTheFlag() throws {
        let count = ConfigField("count", env: "N", kind: .integer, help: "n")
        let every = ConfigField("every", env: "E", kind: .duration, required: true, help: "e")
        let config = ConnectorConfiguration(["count": "12", "every": "15m"])
        #expect(try config.integer(count) == 12)
        #expect(try config.duration(every) == 900)
        #expect(try ConnectorConfiguration(["every": "90"]).duration(every) == 90)
        #expect(try ConnectorConfiguration().integer(count) == nil)
        #expect(throws: ConnectorError.invalidConfiguration(field: "count", message: "'twelve' is not a whole number")) {
            try ConnectorConfiguration(["count": "twelve"]).integer(count)
        }
        #expect(throws: ConnectorError.invalidConfiguration(field: "every", message: "'soon' is not a duration such as 90s, 15m or 6h")) {
            try ConnectorConfiguration(["every": "soon"]).duration(every)
        }
        #expect(throws: ConnectorError.invalidConfiguration(field: "every", message: "is required")) {
            try ConnectorConfiguration().duration(every)
        }
        let url = Self.declaration.baseURL
        #expect(try ConnectorConfiguration(["base-url": "mycompany"]).url(url).absoluteString == "https://mycompany.acme.io")
        #expect(throws: ConnectorError.invalidConfiguration(field: "base-url", message: "'https://a.acme.io/' has a trailing slash; use https://a.acme.io")) {
            try ConnectorConfiguration(["base-url": "https://a.acme.io/"]).url(url)
        }
        #expect(Self.declaration.configFields.map(\.name) == ["base-url", "api-key", "client-id", "client-secret", "redirect-uri", "scopes"])
        #expect(Self.declaration.configFields.map(\.env) == ["ACME_BASE_URL", "ACME_API_KEY", "ACME_CLIENT_ID", "ACME_CLIENT_SECRET",
                                                             "ACME_REDIRECT_URI", "ACME_SCOPES"])
    }

    @Test func anAPIKeyWinsOverStoredTokensAndTakesItsDeclaredForm() async throws {
        try await Self.withContext(tokens: [Self.tokens(account: "acme")]) { context in
            let bearer = try await Self.authorization(["base-url": "acme", "api-key": "k-123"], context: context)
            #expect(bearer == "Bearer k-123")
            let raw = ServiceDeclaration(baseURL: Self.declaration.baseURL, authentication: [.apiKey(Self.apiKey, scheme: nil)])
            let rawHeader = try await Self.authorization(["base-url": "acme", "api-key": "k-123"], declaration: raw, context: context)
            #expect(rawHeader == "k-123")
        }
    }

    @Test func withoutAKeyTheTokensStoredForTheAccountOrTheInstanceAreUsed() async throws {
        try await Self.withContext(tokens: [Self.tokens(account: "acme")]) { context in
            let header = try await Self.authorization(["base-url": "acme"], context: context)
            #expect(header == "Bearer stored-acme-token")
        }
        try await Self.withContext(instance: "prod", tokens: [Self.tokens(account: "acme"), Self.tokens(account: "prod")]) { context in
            let header = try await Self.authorization(["base-url": "acme"], context: context)
            #expect(header == "Bearer stored-prod-token")
        }
    }

    @Test func tokensOfTheAccountMoveToTheInstanceThatHasNone() async throws {
        try await Self.withContext(instance: "prod", tokens: [Self.tokens(account: "acme")]) { context in
            let header = try await Self.authorization(["base-url": "acme"], context: context)
            #expect(header == "Bearer stored-acme-token")
            let store = context.tokenStore
            #expect(try store.load(account: "acme") == nil, "one copy only: a rotated refresh token must not stay behind")
            #expect(try store.load(account: "prod")?.account == "prod")
            #expect(try store.load(account: "prod")?.format == OAuth2Tokens.format)
        }
        // Another plugin's tokens under the account stay where they are.
        var other = Self.tokens(account: "acme")
        other.connector = "other"
        try await Self.withContext(instance: "prod", tokens: [other]) { context in
            #expect(throws: ConnectorError.self) {
                try Self.declaration.makeClient(connector: "acme", config: ConnectorConfiguration(["base-url": "acme"]), context: context)
            }
            let kept = try context.tokenStore.load(account: "acme")
            #expect(kept?.connector == "other" && kept?.accessToken == other.accessToken)
        }
    }

    @Test func tokensGoOnlyToTheEndpointThatIssuedThem() async throws {
        var issued = Self.tokens(account: "prod")
        issued.tokenURL = "https://acme.acme.io/oauth/token"
        try await Self.withContext(instance: "prod", tokens: [issued]) { context in
            let header = try await Self.authorization(["base-url": "acme"], context: context)
            #expect(header == "Bearer stored-prod-token")
            let path = context.tokenStore.path(for: "prod")
            #expect(throws: ConnectorError.unauthenticated(
                host: "other.acme.io",
                message: "the OAuth credential stored for prod (\(path)) was issued by https://acme.acme.io/oauth/token, not by "
                    + "https://other.acme.io/oauth/token as configured; run 'connhost auth prod' again for this account")) {
                try Self.declaration.makeClient(connector: "acme", config: ConnectorConfiguration(["base-url": "other"]), context: context)
            }
        }
    }

    @Test func withNeitherTheMessageSaysWhatToGive() async throws {
        try await Self.withContext { context in
            let path = context.tokenStore.path(for: "acme")
            #expect(throws: ConnectorError.invalidConfiguration(
                field: "api-key", message: "is missing (or set ACME_API_KEY), and no OAuth tokens are stored for acme (\(path)); "
                    + "give an API key, or run 'connhost auth acme' to authorize with OAuth")) {
                try Self.declaration.makeClient(connector: "acme", config: ConnectorConfiguration(["base-url": "acme"]), context: context)
            }
            let keyOnly = ServiceDeclaration(baseURL: Self.declaration.baseURL, authentication: [.apiKey(Self.apiKey)])
            #expect(throws: ConnectorError.invalidConfiguration(field: "api-key", message: "is required")) {
                try keyOnly.makeClient(connector: "acme", config: ConnectorConfiguration(["base-url": "acme"]), context: context)
            }
        }
    }

    @Test func theOAuthClientComesFromTheDeclaration() async throws {
        try await Self.withContext { context in
            #expect(throws: ConnectorError.invalidConfiguration(field: "client-secret",
                                                                message: "is required to authorize with OAuth (or set ACME_CLIENT_SECRET)")) {
                try Self.declaration.oauthClient(connector: "acme", config: ConnectorConfiguration(["base-url": "acme", "client-id": "cid"]),
                                                 context: context)
            }
            let client = try Self.declaration.oauthClient(
                connector: "acme", config: ConnectorConfiguration(["base-url": "http://127.0.0.1:4321", "client-id": "cid",
                                                                   "client-secret": "cs", "scopes": "read write"]),
                context: context)
            #expect(client.account == "127.0.0.1-4321")
            #expect(client.authorizeURL.absoluteString == "http://127.0.0.1:4321/oauth/authorize")
            #expect(client.tokenURL.absoluteString == "http://127.0.0.1:4321/oauth/token")
            #expect(client.redirectURI == "http://127.0.0.1:8765/callback")
            #expect(client.scopes == ["read", "write"])
            #expect(throws: ConnectorError.invalidConfiguration(
                field: "redirect-uri", message: "'callback' is not an absolute http(s) URL such as http://127.0.0.1:8765/callback")) {
                try Self.declaration.oauthClient(connector: "acme", config: ConnectorConfiguration(
                    ["base-url": "acme", "client-id": "cid", "client-secret": "cs", "redirect-uri": "callback"]), context: context)
            }
        }
        try await Self.withContext(instance: "beta") { context in
            let client = try Self.declaration.oauthClient(
                connector: "acme", config: ConnectorConfiguration(["base-url": "acme", "client-id": "cid", "client-secret": "cs"]),
                context: context)
            #expect(client.account == "beta")
            #expect(client.reauthorizationHint == "run 'connhost auth beta' again")
            let path = context.tokenStore.path(for: "beta")
            #expect(throws: ConnectorError.invalidConfiguration(
                field: "api-key", message: "is missing (or set ACME_API_KEY), and no OAuth tokens are stored for beta (\(path)); "
                    + "give an API key, or run 'connhost auth beta' to authorize with OAuth")) {
                try Self.declaration.makeClient(connector: "acme", config: ConnectorConfiguration(["base-url": "acme"]), context: context)
            }
        }
    }

    @Test func errorKindsCompareAndDescribeAsTheOldCasesDid() {
        let error = ConnectorError.requestFailed(endpoint: "GET /x", status: 503, message: "down")
        #expect(error.kind == .requestFailed)
        #expect(error.description == "GET /x: HTTP 503: down")
        #expect(ConnectorError.invalidConfiguration(field: "api-key", message: "is required").description == "--api-key is required")
        #expect(ConnectorError.invalidConfiguration(field: "api-key", message: "is required").isConfigurationError)
        #expect(!ConnectorError.unreachable(host: "h", message: "m").isConfigurationError)
        #expect(ConnectorError.invalidResponse(endpoint: "GET /x", message: "bad").description == "GET /x: invalid response: bad")
        #expect(ConnectorError.other("as is").description == "as is")
    }
}
