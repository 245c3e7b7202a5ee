import ConnectorKit

/// The active account and its users, each fetched once and shared by both syncers.
actor CodefreshDirectory {
    private let client: HTTPClient
    private var cachedAccount: CodefreshAccount?
    private var cachedUsers: [CodefreshUser]?

    init(client: HTTPClient) {
        self.client = client
    }

    /// The account whose name is the key's `activeAccountName` (matched by name, not position).
    func account() async throws -> CodefreshAccount {
        if let cachedAccount { return cachedAccount }
        let me = try await client.get("/api/user", as: CodefreshCurrentUser.self)
        guard let active = me.activeAccountName, !active.isEmpty else {
            throw ConnectorError.other("the API key's user has no active Codefresh account (activeAccountName is empty)")
        }
        let accounts = me.account ?? []
        guard let account = accounts.first(where: { $0.name == active }) else {
            let names = accounts.map(\.name).joined(separator: ", ")
            throw ConnectorError.other("the active account '\(active)' is not among the key's accounts (\(names.isEmpty ? "none" : names))")
        }
        cachedAccount = account
        return account
    }

    /// The users of the active account.
    func users() async throws -> [CodefreshUser] {
        if let cachedUsers { return cachedUsers }
        let account = try await account()
        let users = try await client.get("/api/accounts/\(account.id)/users", as: [CodefreshUser].self)
        cachedUsers = users
        return users
    }
}
