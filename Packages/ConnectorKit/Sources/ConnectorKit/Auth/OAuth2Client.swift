import Foundation

/// An OAuth 2.0 client registered with one service account: its endpoints, credentials,
/// redirect URI and scopes, and the account name its tokens are stored under.
///
/// The kit builds it from a plugin's declared ``Authentication`` and configuration
/// (``OAuthAuthorizing/oauthClient(config:context:)``, and in a session to refresh
/// tokens); the host's `auth` command and ``OAuth2TokenProvider`` use it without knowing
/// the service.
public struct OAuth2Client: Sendable, Equatable {
    /// The plugin name (`aha`), recorded in the token file and used in hints.
    public var connector: String
    /// The token file's name without `.json`: the connector instance (`acme`), or without
    /// one the account subdomain or `host-port`.
    public var account: String
    /// The connector instance the credential belongs to, when the host named one.
    public var instance: String?
    /// Where the user approves access, e.g. `https://acme.aha.io/oauth/authorize`.
    public var authorizeURL: URL
    /// Where codes and refresh tokens are exchanged, e.g. `https://acme.aha.io/oauth/token`.
    public var tokenURL: URL
    /// The registered client id.
    public var clientID: String
    /// The client secret; `nil` when not given (refreshing then fails with a hint).
    public var clientSecret: String?
    /// The redirect URI, exactly as registered with the service.
    public var redirectURI: String
    /// Scopes to ask for; empty for the service's default.
    public var scopes: [String]
    /// The config field that gives the client id (for messages).
    public var clientIDField: ConfigField
    /// The config field that gives the client secret (for messages).
    public var clientSecretField: ConfigField

    /// Creates a client description.
    public init(connector: String, account: String, authorizeURL: URL, tokenURL: URL, clientID: String,
                clientSecret: String?, redirectURI: String, scopes: [String] = [],
                clientIDField: ConfigField, clientSecretField: ConfigField, instance: String? = nil) {
        self.connector = connector
        self.account = account
        self.instance = instance
        self.authorizeURL = authorizeURL
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.clientIDField = clientIDField
        self.clientSecretField = clientSecretField
    }

    /// The URL the user opens: `response_type=code`, the client id, the redirect URI, the
    /// scopes when any, and `state` (which the redirect must bring back unchanged).
    public func authorizationURL(state: String) -> URL {
        var components = URLComponents(url: authorizeURL, resolvingAgainstBaseURL: false) ?? URLComponents()
        var items = components.queryItems ?? []
        items += [URLQueryItem(name: "client_id", value: clientID),
                  URLQueryItem(name: "redirect_uri", value: redirectURI),
                  URLQueryItem(name: "response_type", value: "code")]
        if !scopes.isEmpty { items.append(URLQueryItem(name: "scope", value: scopes.joined(separator: " "))) }
        items.append(URLQueryItem(name: "state", value: state))
        // URLComponents leaves `:`, `/`, `?` and `+` unescaped in values; servers that compare
        // redirect_uri exactly decode either form, but `+` would read as a space.
        components.percentEncodedQueryItems = items.map {
            URLQueryItem(name: $0.name, value: $0.value.map(OAuth2Client.formEncode))
        }
        return components.url ?? authorizeURL
    }

    /// The host's host name, for messages (`acme.aha.io`).
    public var tokenHost: String { tokenURL.host ?? tokenURL.absoluteString }

    /// What `connhost auth` is given for this credential: the instance, else the plugin.
    public var authName: String { instance ?? connector }

    /// What to tell a user whose tokens no longer work.
    public var reauthorizationHint: String { "run 'connhost auth \(authName)' again" }

    /// `--name (or set ENV)`, the way the host names a config field in messages.
    public static func flag(_ field: ConfigField) -> String {
        "--\(field.name) (or set \(field.env))"
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes `value` for a query or an `application/x-www-form-urlencoded` body:
    /// everything but RFC 3986's unreserved characters.
    public static func formEncode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}
