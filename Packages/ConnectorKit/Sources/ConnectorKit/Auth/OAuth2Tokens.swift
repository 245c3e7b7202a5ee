import Foundation

/// The OAuth 2.0 credential stored for one connector instance (or, without one, one
/// account): the content of `~/.config/connhost/tokens/<instance>.json`.
///
/// Format v2 holds the client secret and token endpoint beside the tokens, so that an
/// unattended `connhost sync <instance>` can refresh with nothing in flags or the
/// environment, and never sends the tokens to another endpoint. Files of format v1 (no
/// secret, no endpoint) are still read; the next save writes v2.
public struct OAuth2Tokens: Codable, Sendable, Equatable {
    /// The file format's name, so a later layout can be told apart.
    public static let format = "connhost.oauth-tokens/v2"
    /// The formats ``OAuth2TokenStore`` reads.
    public static let readableFormats = ["connhost.oauth-tokens/v1", format]

    /// The format the file was read in; ``format`` once saved.
    public var format: String
    /// The plugin these tokens are for (`aha`).
    public var connector: String
    /// The account, as in the file name.
    public var account: String
    /// The client the tokens were issued to; refreshing must use the same one.
    public var clientID: String
    /// The client's secret, used to refresh when the configuration gives none (`nil` in v1 files).
    public var clientSecret: String?
    /// The token endpoint that issued the tokens; they are refreshed there only (`nil` in v1 files).
    public var tokenURL: String?
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
    public init(connector: String, account: String, clientID: String, clientSecret: String? = nil, tokenURL: String? = nil,
                accessToken: String, refreshToken: String?,
                tokenType: String = "bearer", scope: String? = nil, obtainedAt: Date = Date(), expiresAt: Date? = nil) {
        self.format = Self.format
        self.connector = connector
        self.account = account
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenURL = tokenURL
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.tokenType = tokenType
        self.scope = scope
        self.obtainedAt = obtainedAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case format, connector, account, clientID = "client_id", clientSecret = "client_secret",
             tokenURL = "token_url", accessToken = "access_token",
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
