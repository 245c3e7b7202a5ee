import ConnectorKit
import Foundation

/// Aha!'s OAuth 2.0 (authorization code) client: `connhost auth aha` authorizes with it,
/// and sessions without an API key refresh their stored tokens with it.
///
/// Endpoints per the Aha! API docs: `<account URL>/oauth/authorize` and `/oauth/token`.
/// Tokens are stored under the account subdomain (`acme` for `https://acme.aha.io`), or
/// the host and port for other hosts (`127.0.0.1-41234` for a loopback test tenant).
extension AhaConnector: OAuthAuthorizing {
    /// The loopback redirect `connhost auth aha` listens on unless told otherwise; register
    /// exactly this URI with the Aha! application (or pass your own with --redirect-uri).
    static let defaultRedirectURI = "http://127.0.0.1:8765/callback"

    static let clientIDField = ConfigField(
        name: "client-id", env: "BATON_CLIENT_ID",
        help: "OAuth client id of your Aha! application (for connhost auth aha)")

    static let clientSecretField = ConfigField(
        name: "client-secret", env: "BATON_CLIENT_SECRET", secret: true,
        help: "OAuth client secret (for connhost auth aha, and to refresh expired tokens)")

    public func oauthClient(config: ConnectorConfiguration) throws -> OAuth2Client {
        let baseURL = try BaseURL.validate(try config.require("base-url"), accountDomain: "aha.io")
        return try oauthClient(baseURL: baseURL, config: config, forAuthorization: true)
    }

    /// The client for `baseURL`. Authorizing needs the client id and secret; a session
    /// does not (the id is in the token file, and the secret only matters for a refresh).
    func oauthClient(baseURL: URL, config: ConnectorConfiguration, forAuthorization: Bool) throws -> OAuth2Client {
        if forAuthorization {
            for field in [Self.clientIDField, Self.clientSecretField] where config[field.name] == nil {
                throw ConnectorError.invalidConfiguration(
                    field: field.name, message: "is required to authorize with OAuth (or set \(field.env))")
            }
        }
        let redirectURI = config["redirect-uri"] ?? Self.defaultRedirectURI
        guard let redirect = URLComponents(string: redirectURI), let scheme = redirect.scheme?.lowercased(),
              scheme == "http" || scheme == "https", redirect.host?.isEmpty == false else {
            throw ConnectorError.invalidConfiguration(
                field: "redirect-uri", message: "'\(redirectURI)' is not an absolute http(s) URL such as \(Self.defaultRedirectURI)")
        }
        return OAuth2Client(
            connector: "aha", account: Self.account(of: baseURL),
            authorizeURL: baseURL.appendingPathComponent("oauth/authorize"),
            tokenURL: baseURL.appendingPathComponent("oauth/token"),
            clientID: config["client-id"] ?? "", clientSecret: config["client-secret"], redirectURI: redirectURI,
            scopes: (config["scopes"] ?? "").split(whereSeparator: \.isWhitespace).map(String.init),
            clientIDField: Self.clientIDField, clientSecretField: Self.clientSecretField)
    }

    /// `acme` for `https://acme.aha.io`; `host-port` (or the host) for any other base URL.
    static func account(of baseURL: URL) -> String {
        let host = (baseURL.host ?? "aha").lowercased()
        if host.hasSuffix(".aha.io"), let subdomain = host.split(separator: ".").first {
            return String(subdomain)
        }
        return host + (baseURL.port.map { "-\($0)" } ?? "")
    }
}
