import Foundation

/// What a plugin declares about the service it reads: its account URL, the credentials it
/// accepts, and how fast it may be called. The kit does the rest: it validates the
/// configuration, picks the credential, and builds the ``HTTPClient``.
///
/// ```swift
/// static let service = ServiceDeclaration(
///     baseURL: .accountURL(env: "BATON_BASE_URL", domain: "aha.io", help: "…"),
///     authentication: [.apiKey(apiKey, scheme: "Bearer"),
///                      .oauth2(service: "Aha!", authorizePath: "oauth/authorize", tokenPath: "oauth/token",
///                              environmentPrefix: "AHA")],
///     rateLimits: [.perSecond(20), .perMinute(300)])
/// ```
public struct ServiceDeclaration: Sendable {
    /// The account URL field (``ConfigField/accountURL(env:domain:required:help:defaultValue:)``).
    public var baseURL: ConfigField
    /// Accepted credentials, in order of preference.
    public var authentication: [Authentication]
    /// The service's documented limits; the host may replace them (`--rate-limit`).
    public var rateLimits: [RateLimit]
    /// Canned JSON answers by `path?query` (``CannedTransport``) for the self-test.
    public var selfTestAnswers: [String: String]

    /// Creates a declaration.
    public init(baseURL: ConfigField, authentication: [Authentication], rateLimits: [RateLimit] = [],
                selfTestAnswers: [String: String] = [:]) {
        self.baseURL = baseURL
        self.authentication = authentication
        self.rateLimits = rateLimits
        self.selfTestAnswers = selfTestAnswers
    }

    /// Every field the declaration reads: the account URL, then each credential's.
    public var configFields: [ConfigField] {
        [baseURL] + authentication.flatMap(\.configFields)
    }

    /// The name stored credentials are kept under: `context.instance` when the host names
    /// one, else the account subdomain (`acme` for `https://acme.aha.io`), else `host-port`.
    public func account(of url: URL, context: ConnectorContext) -> String {
        context.instance ?? account(of: url)
    }

    /// The account subdomain, else `host-port`: the key of credentials stored without an
    /// instance (and of every credential before connector instances).
    func account(of url: URL) -> String {
        let host = (url.host ?? "service").lowercased()
        if let domain = baseURL.kind.accountDomain, host.hasSuffix("." + domain), let subdomain = host.split(separator: ".").first {
            return String(subdomain)
        }
        return host + (url.port.map { "-\($0)" } ?? "")
    }

    /// A client for the configured account with the first credential the configuration
    /// provides: an API key when given, else stored OAuth tokens. Makes no network call.
    public func makeClient(connector: String, config: ConnectorConfiguration, context: ConnectorContext,
                           transport: (any HTTPTransport)? = nil) throws -> HTTPClient {
        let url = try config.url(baseURL)
        try config.validate(authentication.flatMap(\.configFields))
        let limits = context.rateLimits ?? rateLimits
        for kind in authentication {
            switch kind.representation {
            case let .apiKey(field, scheme):
                guard let key = try config.value(field) else { continue }
                return HTTPClient(baseURL: url, authorization: scheme.map { "\($0) \(key)" } ?? key,
                                  rateLimits: limits, transport: transport, context: context)
            case let .oauth2(oauth):
                let client = try oauth.client(baseURL: url, config: config, connector: connector,
                                              account: account(of: url, context: context), instance: context.instance,
                                              forAuthorization: false)
                guard let provider = try OAuth2TokenProvider.stored(client: client, legacyAccount: account(of: url),
                                                                    context: context) else { continue }
                return HTTPClient(baseURL: url, authorizationProvider: provider, rateLimits: limits,
                                  transport: transport, context: context)
            }
        }
        throw missingCredentials(connector: connector, url: url, context: context)
    }

    /// The OAuth client `connhost auth` authorizes, with its client id and secret.
    public func oauthClient(connector: String, config: ConnectorConfiguration, context: ConnectorContext) throws -> OAuth2Client {
        guard let oauth = authentication.lazy.compactMap(\.oauth2).first else {
            throw ConnectorError.other("\(connector) declares no OAuth 2.0 authentication")
        }
        let url = try config.url(baseURL)
        return try oauth.client(baseURL: url, config: config, connector: connector,
                                account: account(of: url, context: context), instance: context.instance,
                                forAuthorization: true)
    }

    /// "--api-key is missing (or set …), and no OAuth tokens are stored for …", naming what
    /// each declared kind would need.
    private func missingCredentials(connector: String, url: URL, context: ConnectorContext) -> ConnectorError {
        let keyField = authentication.lazy.compactMap { kind -> ConfigField? in
            if case .apiKey(let field, _) = kind.representation { return field }
            return nil
        }.first
        guard authentication.contains(where: { $0.oauth2 != nil }) else {
            return .invalidConfiguration(field: keyField?.name ?? baseURL.name, message: "is required")
        }
        let account = account(of: url, context: context)
        let tokens = "no OAuth tokens are stored for \(account) (\(context.tokenStore.path(for: account)))"
        let auth = context.instance ?? connector
        guard let keyField else {
            return .invalidConfiguration(field: "client-id", message: "is not enough: \(tokens); run 'connhost auth \(auth)'")
        }
        return .invalidConfiguration(
            field: keyField.name,
            message: "is missing (or set \(keyField.env)), and \(tokens); give an API key, "
                + "or run 'connhost auth \(auth)' to authorize with OAuth")
    }
}
