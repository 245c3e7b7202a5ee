import ConnectorKit
import Foundation

/// Syncs Aha! users and teams; team memberships become grants of each team's `member`.
///
/// Virtual users (capacity-planning placeholders without an account) are neither
/// resources nor grant principals.
///
/// Requests for a full sync, with U users and T teams (200 records a page):
/// `max(1, ⌈U/200⌉) + max(1, ⌈T/200⌉)`. Team members come with the team list
/// (`fields=…,team_members`), so there is no request per team; only a team whose list
/// record lacks `team_members` costs `⌈members/200⌉` more (`/teams/:id/team_memberships`).
public struct AhaConnector: Connector {
    /// Aha!'s documented limits: 20 requests a second and 300 a minute per account.
    public static let rateLimits: [RateLimit] = [.perSecond(20), .perMinute(300)]

    public init() {}

    public var metadata: ConnectorMetadata {
        ConnectorMetadata(
            name: "aha", version: "0.1.0", summary: "Aha! users and teams with team memberships",
            resourceTypes: [AhaUserSyncer.resourceType, AhaTeamSyncer.resourceType],
            configFields: [
                ConfigField(name: "base-url", env: "BATON_BASE_URL", required: true,
                            help: "your Aha! account URL, https://<account>.aha.io (or just <account>)"),
                Self.apiKeyField,
                Self.clientIDField,
                Self.clientSecretField,
                ConfigField(name: "redirect-uri", env: "BATON_REDIRECT_URI",
                            help: "OAuth redirect URI, exactly as registered for the client; connhost auth aha listens on its port",
                            defaultValue: Self.defaultRedirectURI),
                ConfigField(name: "scopes", env: "BATON_SCOPES",
                            help: "OAuth scopes to ask for, space-separated (default: the application's)"),
                ConfigField(name: "rate-limit", env: "CONNHOST_AHA_RATE_LIMIT",
                            help: "requests per second to stay under, e.g. 20/s (default: Aha!'s 20/s and 300/min)"),
            ])
    }

    /// A personal API key; optional because OAuth tokens (`connhost auth aha`) can replace it.
    static let apiKeyField = ConfigField(
        name: "api-key", env: "BATON_API_KEY", secret: true,
        help: "an Aha! API key (Settings → Personal → Developer); without one, the tokens of connhost auth aha are used")

    /// Uses the API key when one is given, otherwise the OAuth tokens stored for the account.
    public func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        let baseURL = try BaseURL.validate(try config.require("base-url"), accountDomain: "aha.io")
        var limits = Self.rateLimits
        if let text = config["rate-limit"] {
            guard let limit = RateLimit(parsing: text) else {
                throw ConnectorError.invalidConfiguration(field: "rate-limit", message: "'\(text)' is not a rate such as 20/s or 300/min")
            }
            limits = [limit]
        }
        if let apiKey = config["api-key"] {
            let client = HTTPClient(baseURL: baseURL, authorization: "Bearer \(apiKey)", rateLimits: limits, context: context)
            return AhaSession(client: client)
        }
        let oauth = try oauthClient(baseURL: baseURL, config: config, forAuthorization: false)
        guard let provider = try OAuth2TokenProvider.stored(client: oauth, context: context) else {
            throw ConnectorError.invalidConfiguration(
                field: "api-key",
                message: "is missing (or set BATON_API_KEY), and no OAuth tokens are stored for \(oauth.account) "
                    + "(\(context.tokenStore.path(for: oauth.account))); give an API key, "
                    + "or run 'connhost auth aha' to authorize with OAuth")
        }
        let client = HTTPClient(baseURL: baseURL, authorizationProvider: provider, rateLimits: limits, context: context)
        return AhaSession(client: client)
    }
}

/// One configured Aha! account.
struct AhaSession: ConnectorSession {
    let client: HTTPClient
    let syncers: [any ResourceSyncer]

    init(client: HTTPClient) {
        self.client = client
        syncers = [AhaUserSyncer(client: client), AhaTeamSyncer(client: client)]
    }

    func validate() async throws -> String {
        let page = try await client.get("/api/v1/users", query: [("page", "1"), ("per_page", "1")], as: AhaUsersPage.self)
        return "\(client.baseURL.host ?? "Aha!") answered: \(page.pagination.totalRecords) users"
    }
}

@_cdecl("connhost_plugin_abi_version")
public func connhostPluginABIVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func connhostPluginEntry() -> UnsafeMutableRawPointer? { PluginBox.export { AhaConnector() } }
