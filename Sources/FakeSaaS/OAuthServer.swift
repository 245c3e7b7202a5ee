import Synchronization

/// The fake Aha! tenant's OAuth 2.0 authorization server: `/oauth/authorize` and
/// `/oauth/token`, with one registered client (`--client-id`, `--client-secret`,
/// `--redirect-uri`) and expiring access tokens (`--token-ttl`).
///
/// It behaves like a strict real server, so that a client passing against it passes
/// against Aha!: the redirect URI must match the registered one byte for byte (at
/// authorize and again at the token endpoint), codes are single-use and expire after ten
/// minutes, refresh tokens rotate (each refresh voids the one it used), and errors are
/// RFC 6749 JSON (`{"error":"invalid_grant","error_description":…}`, 400; a failed client
/// authentication is 401 `invalid_client`). Authorization is approved automatically: the
/// fake has no users to log in.
final class OAuthServer: Sendable {
    /// The one registered client.
    struct Registration: Sendable {
        var clientID = "test-client"
        var clientSecret = "test-client-secret"
        var redirectURI = "http://127.0.0.1:8765/callback"
        /// Seconds an access token lives.
        var tokenLifetime = 3600
    }

    /// What `/_fake/oauth` reports.
    struct Counters: Sendable {
        var authorize = 0
        var authorizeRejected = 0
        var codeGrants = 0
        var refreshAttempts = 0
        var refreshGrants = 0
        var tokenErrors = 0
    }

    private struct Code {
        var clientID: String
        var redirectURI: String
        var scope: String
        var expiresAt: UInt64
        var used = false
    }

    private struct State: ~Copyable {
        var codes: [String: Code] = [:]
        /// Live access tokens and when (monotonic ns) each expires.
        var accessTokens: [String: UInt64] = [:]
        /// Refresh tokens not yet used or revoked, with the scope they carry.
        var refreshTokens: [String: String] = [:]
        var counters = Counters()
    }

    let registration: Registration
    private let state = Mutex(State())
    private static let codeLifetime: UInt64 = 600_000_000_000

    init(registration: Registration) {
        self.registration = registration
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        switch request.path {
        case "/oauth/authorize": return authorize(request)
        case "/oauth/token": return token(request)
        default: return HTTPResponse(status: 404, json: "{\"error\":\"Not found\"}")
        }
    }

    /// Whether `token` is an access token this server issued and that has not expired.
    func acceptsAccessToken(_ token: String) -> Bool {
        let now = MonotonicClock.nanoseconds()
        return state.withLock { s in s.accessTokens[token].map { $0 > now } ?? false }
    }

    /// Voids every refresh token (`/_fake/revoke-refresh`), as when a user revokes access.
    func revokeRefreshTokens() {
        state.withLock { $0.refreshTokens.removeAll() }
    }

    /// Expires every access token now (`/_fake/expire-access`); clients learn it from a 401.
    func expireAccessTokens() {
        state.withLock { $0.accessTokens.removeAll() }
    }

    /// The `/_fake/oauth` body.
    func statsJSON() -> [UInt8] {
        let (c, live, refresh) = state.withLock { s in
            let now = MonotonicClock.nanoseconds()
            return (s.counters, s.accessTokens.values.filter { $0 > now }.count, s.refreshTokens.count)
        }
        var w = JSONWriter()
        w.raw("{\"authorize\":"); w.int(c.authorize)
        w.raw(",\"authorize_rejected\":"); w.int(c.authorizeRejected)
        w.raw(",\"code_grants\":"); w.int(c.codeGrants)
        w.raw(",\"refresh_attempts\":"); w.int(c.refreshAttempts)
        w.raw(",\"refresh_grants\":"); w.int(c.refreshGrants)
        w.raw(",\"token_errors\":"); w.int(c.tokenErrors)
        w.raw(",\"live_access_tokens\":"); w.int(live)
        w.raw(",\"live_refresh_tokens\":"); w.int(refresh)
        w.raw("}\n")
        return w.bytes
    }

    // MARK: /oauth/authorize

    /// Approves at once: 302 to the redirect URI with `code` and `state`. A wrong client or
    /// redirect URI is answered here, never redirected (the URI is not trusted).
    private func authorize(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" else { return HTTPResponse(status: 405, json: "{\"error\":\"Method not allowed\"}") }
        let clientID = request.query["client_id"] ?? ""
        let redirectURI = request.query["redirect_uri"] ?? ""
        func reject(_ error: String, _ description: String) -> HTTPResponse {
            state.withLock { $0.counters.authorize += 1; $0.counters.authorizeRejected += 1 }
            return Self.error(400, error, description)
        }
        guard clientID == registration.clientID else {
            return reject("invalid_client", "Unknown client_id")
        }
        guard redirectURI == registration.redirectURI else {
            return reject("invalid_request", "The redirect_uri does not match the one registered for this application")
        }
        var location = redirectURI + (redirectURI.contains("?") ? "&" : "?")
        guard request.query["response_type"] == "code" else {
            _ = reject("unsupported_response_type", "")
            location += "error=unsupported_response_type"
            if let state = request.query["state"] { location += "&state=" + Self.encode(state) }
            return HTTPResponse(status: 302, body: Array("{}".utf8), extraHeaders: [("Location", location)])
        }
        let code = "code-" + Self.randomHex(20)
        state.withLock { s in
            s.counters.authorize += 1
            s.codes[code] = Code(clientID: clientID, redirectURI: redirectURI, scope: request.query["scope"] ?? "",
                                 expiresAt: MonotonicClock.nanoseconds() + Self.codeLifetime)
        }
        location += "code=" + Self.encode(code)
        if let state = request.query["state"] { location += "&state=" + Self.encode(state) }
        return HTTPResponse(status: 302, body: Array("{}".utf8), extraHeaders: [("Location", location)])
    }

    // MARK: /oauth/token

    private func token(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "POST" else { return HTTPResponse(status: 405, json: "{\"error\":\"Method not allowed\"}") }
        let form = HTTPRequestParser.splitTarget("?" + String(decoding: request.body, as: UTF8.self)).1
        let grantType = form["grant_type"] ?? ""
        if grantType == "refresh_token" { state.withLock { $0.counters.refreshAttempts += 1 } }
        func fail(_ status: Int, _ error: String, _ description: String) -> HTTPResponse {
            state.withLock { $0.counters.tokenErrors += 1 }
            return Self.error(status, error, description)
        }
        guard form["client_id"] == registration.clientID, form["client_secret"] == registration.clientSecret else {
            return fail(401, "invalid_client", "Client authentication failed (unknown client or wrong client secret)")
        }
        let now = MonotonicClock.nanoseconds()
        switch grantType {
        case "authorization_code":
            guard let code = form["code"], let redirectURI = form["redirect_uri"] else {
                return fail(400, "invalid_request", "code and redirect_uri are required")
            }
            let outcome: Result<String, OAuthFailure> = state.withLock { s in
                guard var issued = s.codes[code], issued.expiresAt > now, issued.clientID == registration.clientID else {
                    return .failure(.init(description: "The authorization code is invalid or expired"))
                }
                guard !issued.used else {
                    return .failure(.init(description: "The authorization code was already used"))
                }
                guard redirectURI == issued.redirectURI else {
                    return .failure(.init(description: "The redirect_uri does not match the one the code was issued for"))
                }
                issued.used = true
                s.codes[code] = issued
                s.counters.codeGrants += 1
                return .success(issued.scope)
            }
            switch outcome {
            case .success(let scope): return issue(scope: scope, now: now)
            case .failure(let failure): return fail(400, "invalid_grant", failure.description)
            }
        case "refresh_token":
            guard let refreshToken = form["refresh_token"] else {
                return fail(400, "invalid_request", "refresh_token is required")
            }
            // Rotation: the refresh token used here is void from now on.
            let scope: String? = state.withLock { s in
                guard let scope = s.refreshTokens.removeValue(forKey: refreshToken) else { return nil }
                s.counters.refreshGrants += 1
                return scope
            }
            guard let scope else {
                return fail(400, "invalid_grant", "The refresh token is invalid, revoked or already used")
            }
            return issue(scope: scope, now: now)
        default:
            return fail(400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
        }
    }

    /// A new access and refresh token pair.
    private func issue(scope: String, now: UInt64) -> HTTPResponse {
        let access = "at-" + Self.randomHex(24)
        let refresh = "rt-" + Self.randomHex(24)
        state.withLock { s in
            s.accessTokens[access] = now + UInt64(registration.tokenLifetime) * 1_000_000_000
            s.refreshTokens[refresh] = scope
        }
        var w = JSONWriter()
        w.raw("{\"access_token\":"); w.string(access)
        w.raw(",\"token_type\":\"bearer\",\"expires_in\":"); w.int(registration.tokenLifetime)
        w.raw(",\"refresh_token\":"); w.string(refresh)
        w.raw(",\"scope\":"); w.string(scope)
        w.raw("}")
        return HTTPResponse(status: 200, body: w.bytes, extraHeaders: [("Cache-Control", "no-store")])
    }

    private struct OAuthFailure: Error {
        var description: String
    }

    private static func error(_ status: Int, _ error: String, _ description: String) -> HTTPResponse {
        var w = JSONWriter()
        w.raw("{\"error\":"); w.string(error)
        if !description.isEmpty { w.raw(",\"error_description\":"); w.string(description) }
        w.raw("}")
        return HTTPResponse(status: status, body: w.bytes)
    }

    private static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<(bytes * 2)).map { _ in digits[Int(generator.next() % 16)] })
    }

    /// Percent-encodes a query value: everything but RFC 3986's unreserved characters.
    private static func encode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
