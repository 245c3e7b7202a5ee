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
                ConfigField(name: "api-key", env: "BATON_API_KEY", secret: true, required: true,
                            help: "an Aha! API key (Settings → Personal → Developer)"),
                ConfigField(name: "rate-limit", env: "CONNHOST_AHA_RATE_LIMIT",
                            help: "requests per second to stay under, e.g. 20/s (default: Aha!'s 20/s and 300/min)"),
            ])
    }

    public func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        let baseURL = try BaseURL.validate(try config.require("base-url"), accountDomain: "aha.io")
        let apiKey = try config.require("api-key")
        var limits = Self.rateLimits
        if let text = config["rate-limit"] {
            guard let limit = RateLimit(parsing: text) else {
                throw ConnectorError.invalidConfiguration(field: "rate-limit", message: "'\(text)' is not a rate such as 20/s or 300/min")
            }
            limits = [limit]
        }
        let client = HTTPClient(baseURL: baseURL, authorization: "Bearer \(apiKey)", rateLimits: limits, context: context)
        return AhaSession(client: client)
    }
}

/// One configured Aha! account.
struct AhaSession: ConnectorSession {
    let client: HTTPClient

    var syncers: [any ResourceSyncer] {
        [AhaUserSyncer(client: client), AhaTeamSyncer(client: client)]
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
