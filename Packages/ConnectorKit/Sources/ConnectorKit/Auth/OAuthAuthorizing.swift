/// A connector whose service accepts OAuth 2.0 (authorization code grant), so that
/// `connhost auth <plugin>` can authorize it in a browser and store its tokens.
///
/// An optional capability: the host finds it with `connector as? any OAuthAuthorizing`
/// and runs the generic flow (authorize URL, loopback redirect, code exchange, token
/// file). A ``ServiceConnector`` that declares an OAuth 2.0 ``Authentication`` gets the
/// implementation from the kit: `extension MyConnector: OAuthAuthorizing {}`. The plugin's
/// ``Connector/makeSession(config:context:)`` then uses the stored tokens through an
/// ``OAuth2TokenProvider`` when it is given no other credentials.
///
/// ## Implementation requirements
/// - ``oauthClient(config:context:)`` validates like `makeSession` and makes no network call; it
///   throws ``ConnectorError/invalidConfiguration(field:message:)`` naming the missing or
///   malformed field (the client id and secret are required here).
/// - The client's ``OAuth2Client/account`` must be what `makeSession` derives from the same
///   configuration, so both find the same token file.
public protocol OAuthAuthorizing: Connector {
    /// The OAuth client for the account `config` names (stored under `context.instance`
    /// when the host gives one), with its client secret.
    func oauthClient(config: ConnectorConfiguration, context: ConnectorContext) throws -> OAuth2Client
}
