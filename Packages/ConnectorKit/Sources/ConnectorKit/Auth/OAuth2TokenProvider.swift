import Foundation

/// Authorizes ``HTTPClient`` requests with stored OAuth 2.0 tokens, refreshing them when
/// they expire or the service rejects them, and storing each new pair atomically.
///
/// The kit makes one per session (``stored(client:context:)``) for a declared OAuth 2.0
/// ``Authentication`` and passes it to
/// ``HTTPClient/init(baseURL:authorizationProvider:rateLimits:transport:context:)``. Concurrent
/// requests share one refresh: whoever sees the expiry or the 401 first refreshes, the
/// others wait for it and use its result. A failed refresh is final for the session, so a
/// sync stops at once with the message that says to run `connhost auth <plugin>` again.
public actor OAuth2TokenProvider: AuthorizationProvider {
    public nonisolated let credentialName = "OAuth access token"
    public nonisolated let reauthorizationHint: String?

    private let client: OAuth2Client
    private let context: ConnectorContext
    private var tokens: OAuth2Tokens
    private var refreshing: (id: Int, task: Task<OAuth2Tokens, any Error>)?
    private var refreshCount = 0
    private var failure: (any Error)?

    /// A provider over `tokens`, refreshing with `client` and storing in the context's store.
    public init(client: OAuth2Client, tokens: OAuth2Tokens, context: ConnectorContext) {
        self.client = client
        self.context = context
        self.tokens = tokens
        self.reauthorizationHint = client.reauthorizationHint
        context.registerSecret(tokens.accessToken)
        if let secret = tokens.clientSecret { context.registerSecret(secret) }
        if let refreshToken = tokens.refreshToken { context.registerSecret(refreshToken) }
    }

    /// A provider over the tokens stored for `client.account`, or `nil` when there are none.
    ///
    /// Tokens stored under `legacyAccount` (the account name that keyed them before
    /// connector instances) by the same plugin are moved to `client.account` first, when it
    /// has none of its own: one file per credential, so that a rotated refresh token is
    /// never left behind in a second copy.
    public static func stored(client: OAuth2Client, legacyAccount: String? = nil,
                              context: ConnectorContext) throws -> OAuth2TokenProvider? {
        let store = context.tokenStore
        var found = try store.load(account: client.account)
        if found == nil, let legacyAccount, legacyAccount != client.account,
           var old = try store.load(account: legacyAccount), old.connector == client.connector {
            old.account = client.account
            let path = try store.save(old)
            try store.remove(account: legacyAccount)
            context.note("moved the OAuth tokens of \(legacyAccount) to \(path), the credential of \(client.account)")
            found = old
        }
        guard let tokens = found else { return nil }
        let path = store.path(for: client.account)
        guard tokens.connector == client.connector else {
            throw ConnectorError.other("\(path) holds tokens of \(tokens.connector), not \(client.connector); \(client.reauthorizationHint)")
        }
        // Tokens go only to the service that issued them, whatever the configuration now says.
        if let issuer = tokens.tokenURL, issuer != client.tokenURL.absoluteString {
            throw ConnectorError.unauthenticated(
                host: client.tokenHost,
                message: "the OAuth credential stored for \(client.account) (\(path)) was issued by \(issuer), not by "
                    + "\(client.tokenURL.absoluteString) as configured; \(client.reauthorizationHint) for this account")
        }
        return OAuth2TokenProvider(client: client, tokens: tokens, context: context)
    }

    /// The current tokens (after any refresh).
    public var current: OAuth2Tokens { tokens }

    /// Refreshes made by this provider.
    public var refreshes: Int { refreshCount }

    public func authorization() async throws -> String {
        if let failure { throw failure }
        // Known expiry: refresh before sending a request that would only earn a 401.
        if tokens.isExpiring(), tokens.refreshToken != nil {
            try await refresh(replacing: tokens.accessToken)
        }
        return tokens.authorization
    }

    public func refresh(rejecting rejected: String) async throws -> Bool {
        if let failure { throw failure }
        // Someone else refreshed since this request was sent: just send it again.
        if rejected != tokens.authorization { return true }
        guard tokens.refreshToken != nil else { return false }
        try await refresh(replacing: tokens.accessToken)
        return true
    }

    /// Refreshes once for every caller that saw `accessToken` fail or expire.
    private func refresh(replacing accessToken: String) async throws {
        if let refreshing {
            tokens = try await refreshing.task.value
            return
        }
        guard tokens.accessToken == accessToken else { return }
        refreshCount += 1
        let id = refreshCount
        let old = tokens, client = client, context = context
        let task = Task { try await Self.renew(old, client: client, context: context) }
        refreshing = (id, task)
        defer { if refreshing?.id == id { refreshing = nil } }
        do {
            // Every waiter assigns the same result, whichever of them resumes first.
            tokens = try await task.value
        } catch {
            failure = error
            throw error
        }
    }

    /// One refresh grant, the new pair stored; errors become messages that say what to do.
    private static func renew(_ old: OAuth2Tokens, client: OAuth2Client, context: ConnectorContext) async throws -> OAuth2Tokens {
        let endpoint = OAuth2TokenEndpoint(client: client, context: context)
        let fresh: OAuth2Tokens
        do {
            fresh = try await endpoint.refresh(old)
        } catch .missingClientSecret {
            throw ConnectorError.invalidConfiguration(
                field: client.clientSecretField.name,
                message: "is needed to refresh the expired OAuth access token for \(client.account): give it "
                    + "(or set \(client.clientSecretField.env)), or \(client.reauthorizationHint)")
        } catch .unreachable(let message) {
            throw ConnectorError.unreachable(host: client.tokenHost, message: context.redact(message))
        } catch where error.isInvalidClient {
            throw ConnectorError.unauthenticated(
                host: client.tokenHost,
                message: context.redact("the OAuth tokens stored for \(client.account) could not be refreshed: "
                    + "\(client.tokenHost) rejected the client credentials (\(error.summary)); "
                    + "check \(OAuth2Client.flag(client.clientSecretField))"))
        } catch {
            // Another connhost (an overlapping cron run) may have refreshed first: with
            // rotating refresh tokens ours is then void, but the file holds the new pair.
            if let stored = try? context.tokenStore.load(account: client.account),
               stored.refreshToken != old.refreshToken, stored.accessToken != old.accessToken, !stored.isExpiring() {
                context.registerSecret(stored.accessToken)
                if let refreshToken = stored.refreshToken { context.registerSecret(refreshToken) }
                return stored
            }
            throw ConnectorError.unauthenticated(
                host: client.tokenHost,
                message: context.redact("the OAuth tokens stored for \(client.account) could not be refreshed "
                    + "(\(client.tokenHost) answered \(error.summary)); \(client.reauthorizationHint)"))
        }
        context.registerSecret(fresh.accessToken)
        if let refreshToken = fresh.refreshToken { context.registerSecret(refreshToken) }
        context.note("refreshed the OAuth access token for \(client.account)")
        do {
            try context.tokenStore.save(fresh)
        } catch {
            throw ConnectorError.other(context.redact("refreshed the OAuth tokens for \(client.account) but could not store them "
                + "(\(error)); \(client.reauthorizationHint)"))
        }
        return fresh
    }
}
