import Foundation

/// A way a service accepts credentials, as a plugin declares it; the kit picks the first
/// one the configuration provides and builds the ``HTTPClient``.
///
/// A struct with static members rather than an enum, so that kinds can be added without
/// breaking plugins.
public struct Authentication: Sendable {
    enum Representation: Sendable {
        case apiKey(ConfigField, scheme: String?)
        case oauth2(OAuth2Declaration)
    }

    let representation: Representation

    /// A fixed key in the `Authorization` header: `<scheme> <key>` (`Bearer <key>`), or the
    /// raw key when `scheme` is `nil`. Used when `field` has a value.
    public static func apiKey(_ field: ConfigField, scheme: String? = "Bearer") -> Authentication {
        Authentication(representation: .apiKey(field, scheme: scheme))
    }

    /// OAuth 2.0 authorization code grant, with endpoints relative to the account URL
    /// (`/oauth/authorize`, `/oauth/token`). `connhost auth` stores the tokens; a sync uses
    /// them (refreshing when they expire) when no earlier kind applies.
    ///
    /// The kit declares the fields `client-id`, `client-secret`, `redirect-uri` and `scopes`,
    /// read from `<environmentPrefix>_CLIENT_ID` and so on. Give each plugin its own prefix
    /// (`AHA`): Baton reserves `BATON_CLIENT_ID`/`BATON_CLIENT_SECRET` for its own service
    /// credentials, and one pair of variables cannot serve two services.
    /// - Parameter service: the service's name in help texts (`Aha!`).
    public static func oauth2(service: String, authorizePath: String, tokenPath: String,
                              environmentPrefix: String,
                              redirectURI: String = "http://127.0.0.1:8765/callback") -> Authentication {
        Authentication(representation: .oauth2(OAuth2Declaration(
            service: service, authorizePath: authorizePath, tokenPath: tokenPath,
            environmentPrefix: environmentPrefix, defaultRedirectURI: redirectURI)))
    }

    /// The configuration fields this kind reads.
    public var configFields: [ConfigField] {
        switch representation {
        case .apiKey(let field, _): return [field]
        case .oauth2(let oauth): return oauth.fields
        }
    }

    /// The OAuth 2.0 declaration, if this is one.
    var oauth2: OAuth2Declaration? {
        if case .oauth2(let oauth) = representation { return oauth }
        return nil
    }
}

/// The OAuth 2.0 part of a service declaration: endpoints and the client's fields.
struct OAuth2Declaration: Sendable {
    var authorizePath: String
    var tokenPath: String
    var defaultRedirectURI: String
    var clientID: ConfigField
    var clientSecret: ConfigField
    var redirectURI: ConfigField
    var scopes: ConfigField

    init(service: String, authorizePath: String, tokenPath: String, environmentPrefix: String, defaultRedirectURI: String) {
        self.authorizePath = authorizePath
        self.tokenPath = tokenPath
        self.defaultRedirectURI = defaultRedirectURI
        clientID = ConfigField(name: "client-id", env: "\(environmentPrefix)_CLIENT_ID",
                               help: "OAuth client id of your \(service) application (for connhost auth)")
        clientSecret = ConfigField(name: "client-secret", env: "\(environmentPrefix)_CLIENT_SECRET", secret: true,
                                   help: "OAuth client secret (for connhost auth, which stores it to refresh expired tokens)")
        redirectURI = ConfigField(name: "redirect-uri", env: "\(environmentPrefix)_REDIRECT_URI",
                                  help: "OAuth redirect URI, exactly as registered for the client; connhost auth listens on its port",
                                  defaultValue: defaultRedirectURI)
        scopes = ConfigField(name: "scopes", env: "\(environmentPrefix)_SCOPES",
                             help: "OAuth scopes to ask for, space-separated (default: the application's)")
    }

    var fields: [ConfigField] { [clientID, clientSecret, redirectURI, scopes] }

    /// The client for `account` at `baseURL`. Authorizing needs the client id and secret; a
    /// session does not (the id is in the token file, the secret matters only for a refresh).
    func client(baseURL: URL, config: ConnectorConfiguration, connector: String, account: String, instance: String?,
                forAuthorization: Bool) throws -> OAuth2Client {
        if forAuthorization {
            for field in [clientID, clientSecret] where config[field.name] == nil {
                throw ConnectorError.invalidConfiguration(
                    field: field.name, message: "is required to authorize with OAuth (or set \(field.env))")
            }
        }
        let uri = config[redirectURI.name] ?? defaultRedirectURI
        guard let redirect = URLComponents(string: uri), let scheme = redirect.scheme?.lowercased(),
              scheme == "http" || scheme == "https", redirect.host?.isEmpty == false else {
            throw ConnectorError.invalidConfiguration(
                field: redirectURI.name, message: "'\(uri)' is not an absolute http(s) URL such as \(defaultRedirectURI)")
        }
        return OAuth2Client(
            connector: connector, account: account,
            authorizeURL: baseURL.appendingPathComponent(authorizePath), tokenURL: baseURL.appendingPathComponent(tokenPath),
            clientID: config[clientID.name] ?? "", clientSecret: config[clientSecret.name], redirectURI: uri,
            scopes: (config[scopes.name] ?? "").split(whereSeparator: \.isWhitespace).map(String.init),
            clientIDField: clientID, clientSecretField: clientSecret, instance: instance)
    }
}
