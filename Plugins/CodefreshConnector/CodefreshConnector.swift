import ConnectorKit

/// Syncs the users of one Codefresh account and their account role.
///
/// The account is the API key's active account (`GET /api/user`), never configured.
/// Requests for a full sync: exactly 2 (`/api/user`, then `/api/accounts/{id}/users`, a
/// bare array without pagination), each fetched once and shared by both syncers.
///
/// Roles: a user is an admin when their `roles` contain `Admin` **or** the account's
/// `admins` list holds their id. Either source is enough, because Codefresh keeps both
/// and they can disagree; missing an admin is worse than an extra admin grant in an
/// access review. Every user who is not an admin, or whose roles also list `User`, gets
/// the `user` entitlement too, so `["Admin","User"]` yields both grants.
public struct CodefreshConnector: ServiceConnector, SelfTestingConnector {
    public let service = ServiceDeclaration(
        baseURL: .accountURL(env: "BATON_CODEFRESH_BASE_URL", required: false,
                             help: "the Codefresh URL, for on-premises installs", defaultValue: "https://g.codefresh.io"),
        // Codefresh takes the raw key, without "Bearer"; it documents no rate limit.
        authentication: [.apiKey(ConfigField("api-key", env: "BATON_CODEFRESH_API_KEY", kind: .secret, required: true,
                                             help: "a Codefresh API key (User Settings → API Keys)"), scheme: nil)],
        selfTestAnswers: CodefreshSampleData.answers)

    public init() {}

    public var metadata: ConnectorMetadata {
        ConnectorMetadata(name: "codefresh", version: "0.1.0", summary: "Codefresh account users with their account role",
                          resourceTypes: [CodefreshAccountSyncer.resourceType, CodefreshUserSyncer.resourceType],
                          configFields: service.configFields)
    }

    public func makeSession(client: HTTPClient, config: ConnectorConfiguration) throws -> any ConnectorSession {
        let account = FetchOnce { try await client.get("/api/user", as: CodefreshCurrentUser.self).activeAccount() }
        let users = FetchOnce { try await client.get("/api/accounts/\(account.value.id)/users", as: [CodefreshUser].self) }
        return SyncSession(syncers: [CodefreshAccountSyncer(account: account, users: users), CodefreshUserSyncer(users: users)]) {
            let active = try await account.value
            return "account \(active.name) (\(active.id))"
        }
    }
}

extension CodefreshCurrentUser {
    /// The account whose name is the key's `activeAccountName` (matched by name, not position).
    func activeAccount() throws -> CodefreshAccount {
        guard let active = activeAccountName, !active.isEmpty else {
            throw ConnectorError.other("the API key's user has no active Codefresh account (activeAccountName is empty)")
        }
        guard let found = (account ?? []).first(where: { $0.name == active }) else {
            let names = (account ?? []).map(\.name).joined(separator: ", ")
            throw ConnectorError.other("the active account '\(active)' is not among the key's accounts (\(names.isEmpty ? "none" : names))")
        }
        return found
    }
}

@_cdecl("connhost_plugin_abi_version")
public func connhostPluginABIVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func connhostPluginEntry() -> UnsafeMutableRawPointer? { PluginBox.export { CodefreshConnector() } }
