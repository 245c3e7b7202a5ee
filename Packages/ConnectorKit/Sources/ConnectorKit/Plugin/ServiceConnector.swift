/// A connector over an HTTP service that it declares (``ServiceDeclaration``): the kit
/// validates the configuration, chooses the credential and builds the ``HTTPClient``; the
/// plugin only turns a client into a session of syncers.
///
/// It gains, with no code of its own:
/// - ``Connector/makeSession(config:context:)``;
/// - ``OAuthAuthorizing/oauthClient(config:context:)`` when it also declares conformance
///   to ``OAuthAuthorizing`` (and an ``Authentication/oauth2(service:authorizePath:tokenPath:environmentPrefix:redirectURI:)`` kind);
/// - ``SelfTestingConnector/makeSelfTestSession(config:context:)`` over the declaration's
///   ``ServiceDeclaration/selfTestAnswers`` when it declares ``SelfTestingConnector``.
public protocol ServiceConnector: Connector {
    /// The service's account URL, credentials and rate limits.
    var service: ServiceDeclaration { get }

    /// A session over `client`, the client the kit built for `config`.
    func makeSession(client: HTTPClient, config: ConnectorConfiguration) throws -> any ConnectorSession
}

// MARK: - Default implementations

extension ServiceConnector {
    /// The session over a client for the configured account and credential.
    public func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        try makeSession(client: service.makeClient(connector: metadata.name, config: config, context: context), config: config)
    }
}

extension OAuthAuthorizing where Self: ServiceConnector {
    /// The declared OAuth client for the configured account.
    public func oauthClient(config: ConnectorConfiguration, context: ConnectorContext) throws -> OAuth2Client {
        try service.oauthClient(connector: metadata.name, config: config, context: context)
    }
}

extension SelfTestingConnector where Self: ServiceConnector {
    /// The real session (client, paging, mapping) over the declared canned answers; the
    /// configuration is checked exactly as for a sync.
    public func makeSelfTestSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        let client = try service.makeClient(connector: metadata.name, config: config, context: context,
                                            transport: CannedTransport(json: service.selfTestAnswers))
        return try makeSession(client: client, config: config)
    }
}
