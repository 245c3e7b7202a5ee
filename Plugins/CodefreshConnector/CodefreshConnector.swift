import ConnectorKit
import Foundation

/// Syncs the users of one Codefresh account and their account role.
///
/// The account is the API key's active account (`GET /api/user`), never configured.
/// Requests for a full sync: exactly 2 (`/api/user`, then `/api/accounts/{id}/users`, a
/// bare array without pagination), shared by both syncers through ``CodefreshDirectory``.
///
/// Roles: a user is an admin when their `roles` contain `Admin` **or** the account's
/// `admins` list holds their id. Either source is enough, because Codefresh keeps both
/// and they can disagree; missing an admin is worse than an extra admin grant in an
/// access review. Every user who is not an admin, or whose roles also list `User`, gets
/// the `user` entitlement too, so `["Admin","User"]` yields both grants.
public struct CodefreshConnector: Connector {
    public init() {}

    public var metadata: ConnectorMetadata {
        ConnectorMetadata(
            name: "codefresh", version: "0.1.0", summary: "Codefresh account users with their account role",
            resourceTypes: [CodefreshAccountSyncer.resourceType, CodefreshUserSyncer.resourceType],
            configFields: [
                ConfigField(name: "api-key", env: "BATON_CODEFRESH_API_KEY", secret: true, required: true,
                            help: "a Codefresh API key (User Settings → API Keys)"),
                ConfigField(name: "base-url", env: "BATON_CODEFRESH_BASE_URL",
                            help: "the Codefresh URL, for on-premises installs", defaultValue: "https://g.codefresh.io"),
            ])
    }

    public func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        let baseURL = try BaseURL.validate(config["base-url"] ?? "https://g.codefresh.io")
        let apiKey = try config.require("api-key")
        // Codefresh takes the raw key, without "Bearer".
        let client = HTTPClient(baseURL: baseURL, authorization: apiKey, context: context)
        return CodefreshSession(directory: CodefreshDirectory(client: client))
    }
}

/// One configured Codefresh account.
struct CodefreshSession: ConnectorSession {
    let directory: CodefreshDirectory

    var syncers: [any ResourceSyncer] {
        [CodefreshAccountSyncer(directory: directory), CodefreshUserSyncer(directory: directory)]
    }

    func validate() async throws -> String {
        let account = try await directory.account()
        return "account \(account.name) (\(account.id))"
    }
}

@_cdecl("connhost_plugin_abi_version")
public func connhostPluginABIVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func connhostPluginEntry() -> UnsafeMutableRawPointer? { PluginBox.export { CodefreshConnector() } }
