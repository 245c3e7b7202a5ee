import ConnectorKit

/// Syncs Aha! users and teams; team memberships become grants of each team's `member`.
///
/// Virtual users (capacity-planning placeholders without an account) are neither
/// resources nor grant principals.
///
/// Requests for a full sync, with U users and T teams (200 records a page):
/// `max(1, ⌈U/200⌉) + max(1, ⌈T/200⌉)`. Team members come with the team list
/// (`fields=…,team_members`), so there is no request per team; only a team whose list
/// record lacks `team_members` costs `⌈members/200⌉` more (`/teams/:id/team_memberships`).
///
/// Credentials: an API key when given, else the OAuth credential `connhost auth <instance>` stored
/// (endpoints per the Aha! API docs: `<account URL>/oauth/authorize` and `/oauth/token`).
public struct AhaConnector: ServiceConnector, SelfTestingConnector, OAuthAuthorizing {
    static let apiKey = ConfigField(
        "api-key", env: "BATON_API_KEY", kind: .secret,
        help: "an Aha! API key (Settings → Personal → Developer); without one, the tokens of connhost auth aha are used")

    public let service = ServiceDeclaration(
        baseURL: .accountURL(env: "BATON_BASE_URL", domain: "aha.io",
                             help: "your Aha! account URL, https://<account>.aha.io (or just <account>)"),
        authentication: [.apiKey(apiKey, scheme: "Bearer"),
                         .oauth2(service: "Aha!", authorizePath: "oauth/authorize", tokenPath: "oauth/token",
                                 environmentPrefix: "AHA")],
        rateLimits: [.perSecond(20), .perMinute(300)],  // Aha!'s documented limits per account
        selfTestAnswers: AhaSampleData.answers)

    public init() {}

    public var metadata: ConnectorMetadata {
        ConnectorMetadata(name: "aha", version: "0.1.0", summary: "Aha! users and teams with team memberships",
                          resourceTypes: [AhaUserSyncer.resourceType, AhaTeamSyncer.resourceType],
                          configFields: service.configFields)
    }

    public func makeSession(client: HTTPClient, config: ConnectorConfiguration) throws -> any ConnectorSession {
        AhaSession(client: client)
    }
}

/// One configured Aha! account. The syncers are made once: the team syncer keeps the
/// members it read with the team list until the host asks for their grants.
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
