import ConnectorKit

/// The active account and its users, each fetched once and shared by both syncers.
///
/// The loads are kept as tasks, not results: the host may ask both syncers at once, and
/// a second caller must wait for the request in flight instead of sending its own.
actor CodefreshDirectory {
    private let client: HTTPClient
    private var accountLoad: Task<CodefreshAccount, any Error>?
    private var usersLoad: Task<[CodefreshUser], any Error>?

    init(client: HTTPClient) {
        self.client = client
    }

    /// The account whose name is the key's `activeAccountName` (matched by name, not position).
    func account() async throws -> CodefreshAccount {
        if accountLoad == nil { accountLoad = Task { [client] in try await Self.loadAccount(client) } }
        return try await accountLoad!.value
    }

    /// The users of the active account.
    func users() async throws -> [CodefreshUser] {
        if usersLoad == nil {
            let account = try await account()
            if usersLoad == nil {
                usersLoad = Task { [client] in try await client.get("/api/accounts/\(account.id)/users", as: [CodefreshUser].self) }
            }
        }
        return try await usersLoad!.value
    }

    private static func loadAccount(_ client: HTTPClient) async throws -> CodefreshAccount {
        let me = try await client.get("/api/user", as: CodefreshCurrentUser.self)
        guard let active = me.activeAccountName, !active.isEmpty else {
            throw ConnectorError.other("the API key's user has no active Codefresh account (activeAccountName is empty)")
        }
        let accounts = me.account ?? []
        guard let account = accounts.first(where: { $0.name == active }) else {
            let names = accounts.map(\.name).joined(separator: ", ")
            throw ConnectorError.other("the active account '\(active)' is not among the key's accounts (\(names.isEmpty ? "none" : names))")
        }
        return account
    }
}
