/// Supplies the `Authorization` header of ``HTTPClient`` requests and renews it when the
/// service rejects it.
///
/// A fixed API key needs none of this (``HTTPClient/init(baseURL:authorization:credentialName:rateLimits:transport:context:)``);
/// a provider is for credentials that expire, such as OAuth 2.0 access tokens
/// (``OAuth2TokenProvider``).
///
/// ## Implementation requirements
/// - ``authorization()`` is called before every attempt of every request, concurrently;
///   it may renew a credential it knows to be expired, and must do so once for all callers.
/// - ``refresh(rejecting:)`` is called at most once per request, after a 401 answered the
///   header value `rejected`. When another caller already renewed the credential, return
///   `true` without renewing again; the request is then re-sent with the new header.
/// - Errors thrown are ``ConnectorError``s whose messages say how to fix the credentials,
///   and never contain a secret.
public protocol AuthorizationProvider: Sendable {
    /// What the credentials are called in messages, e.g. "OAuth access token".
    var credentialName: String { get }

    /// Appended to a 401 message: how to get working credentials again.
    var reauthorizationHint: String? { get }

    /// The `Authorization` header value for the next request.
    func authorization() async throws -> String

    /// Renews the credential after `rejected` was answered with 401; returns whether a
    /// different credential is now available (`false`: nothing to renew it with).
    func refresh(rejecting rejected: String) async throws -> Bool
}
