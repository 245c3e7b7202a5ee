import Foundation

/// The OAuth 2.0 tokens stored for one account: the content of
/// `~/.config/connhost/tokens/<account>.json`.
///
/// The client secret is deliberately not stored: a token file alone then cannot mint new
/// tokens for another client, and refreshing needs the secret from the configuration.
public struct OAuth2Tokens: Codable, Sendable, Equatable {
    /// The file format's name, so a later layout can be told apart.
    public static let format = "connhost.oauth-tokens/v1"

    /// Always ``format``.
    public var format: String
    /// The plugin these tokens are for (`aha`).
    public var connector: String
    /// The account, as in the file name.
    public var account: String
    /// The client the tokens were issued to; refreshing must use the same one.
    public var clientID: String
    /// The bearer token sent on API requests.
    public var accessToken: String
    /// The token that renews the access token, if the service issued one.
    public var refreshToken: String?
    /// The token type the service named (`bearer`).
    public var tokenType: String
    /// The scopes granted, when the service said.
    public var scope: String?
    /// When the access token was issued (by this machine's clock).
    public var obtainedAt: Date
    /// When the access token expires; `nil` when the service did not say.
    public var expiresAt: Date?

    /// Creates a token set.
    public init(connector: String, account: String, clientID: String, accessToken: String, refreshToken: String?,
                tokenType: String = "bearer", scope: String? = nil, obtainedAt: Date = Date(), expiresAt: Date? = nil) {
        self.format = Self.format
        self.connector = connector
        self.account = account
        self.clientID = clientID
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.tokenType = tokenType
        self.scope = scope
        self.obtainedAt = obtainedAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case format, connector, account, clientID = "client_id", accessToken = "access_token",
             refreshToken = "refresh_token", tokenType = "token_type", scope,
             obtainedAt = "obtained_at", expiresAt = "expires_at"
    }

    /// Whether the access token is expired or about to be, at `now`.
    ///
    /// "About to" is a quarter of its lifetime, at most a minute: a request that starts
    /// just before the expiry must not arrive just after it, and a token that lives two
    /// seconds must not count as expired the moment it is issued (refreshing forever).
    public func isExpiring(at now: Date = Date()) -> Bool {
        guard let expiresAt else { return false }
        let lifetime = max(0, expiresAt.timeIntervalSince(obtainedAt))
        return now >= expiresAt.addingTimeInterval(-min(60, lifetime / 4))
    }

    /// The `Authorization` header value.
    public var authorization: String { "Bearer \(accessToken)" }
}
