import Foundation

/// What an OAuth redirect brings back: the path it arrived at and its `code`, `state`
/// or `error` parameters (RFC 6749 §4.1.2).
public struct OAuthCallback: Equatable, Sendable {
    /// The path of the redirect, e.g. `/callback`.
    public var path: String
    /// The authorization code, on success.
    public var code: String?
    /// The state the request carried; must equal the one connhost sent.
    public var state: String?
    /// The error code, when the user or the server refused (`access_denied`).
    public var error: String?
    /// The server's words on the error.
    public var errorDescription: String?

    /// Parses a request target (`/callback?code=…&state=…`) or a whole URL as pasted from
    /// a browser's address bar; `nil` when it is neither.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, let components = URLComponents(string: trimmed) else { return nil }
        path = components.path.isEmpty ? "/" : components.path
        func value(_ name: String) -> String? {
            components.queryItems?.first { $0.name == name }?.value.flatMap { $0.isEmpty ? nil : $0 }
        }
        code = value("code")
        state = value("state")
        error = value("error")
        errorDescription = value("error_description")
    }
}
