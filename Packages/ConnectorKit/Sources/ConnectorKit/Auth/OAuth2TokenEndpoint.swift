import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs grants to an OAuth 2.0 token endpoint: the authorization code after the user
/// approved, and the refresh token when the access token expired.
///
/// Client credentials go in the form body (`client_id`, `client_secret`), as Aha!
/// documents. Requests are sent once, never retried: a refresh token may be rotated by
/// the first attempt, and re-sending it would then look like a replay to the server.
public struct OAuth2TokenEndpoint: Sendable {
    /// The client, with the secret the grants need.
    public let client: OAuth2Client
    private let timeout: TimeInterval
    private let userAgent: String

    /// The body of a successful token response (RFC 6749 §5.1).
    struct Response: Decodable {
        var accessToken: String
        var tokenType: String?
        var expiresIn: Double?
        var refreshToken: String?
        var scope: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in",
                 refreshToken = "refresh_token", scope
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            accessToken = try container.decode(String.self, forKey: .accessToken)
            tokenType = try container.decodeIfPresent(String.self, forKey: .tokenType)
            refreshToken = try container.decodeIfPresent(String.self, forKey: .refreshToken)
            scope = try container.decodeIfPresent(String.self, forKey: .scope)
            // Some servers send `expires_in` as a string.
            if let number = try? container.decodeIfPresent(Double.self, forKey: .expiresIn) {
                expiresIn = number
            } else {
                expiresIn = (try? container.decodeIfPresent(String.self, forKey: .expiresIn)).flatMap { $0.flatMap(Double.init) }
            }
        }
    }

    /// An OAuth error body (RFC 6749 §5.2).
    struct ErrorBody: Decodable {
        var error: String
        var errorDescription: String?
        enum CodingKeys: String, CodingKey { case error, errorDescription = "error_description" }
    }

    /// An endpoint for `client`, with the timeout and `User-Agent` of `context`.
    public init(client: OAuth2Client, context: ConnectorContext) {
        self.client = client
        self.timeout = context.requestTimeout
        self.userAgent = context.userAgent
    }

    /// Exchanges an authorization code (`grant_type=authorization_code`) for tokens.
    public func exchange(code: String) async throws(OAuth2TokenError) -> OAuth2Tokens {
        let secret = try requireSecret(client.clientSecret)
        let response = try await post([("grant_type", "authorization_code"), ("code", code),
                                       ("redirect_uri", client.redirectURI), ("client_id", client.clientID),
                                       ("client_secret", secret)])
        return tokens(from: response, previous: nil, secret: secret)
    }

    /// Renews `tokens` with their refresh token (`grant_type=refresh_token`), using the
    /// configured client secret, else the stored one. The refresh token is kept when the
    /// server does not rotate it; the new tokens keep the secret that worked.
    public func refresh(_ tokens: OAuth2Tokens) async throws(OAuth2TokenError) -> OAuth2Tokens {
        let secret = try requireSecret(client.clientSecret ?? tokens.clientSecret)
        guard let refreshToken = tokens.refreshToken else {
            throw .invalidResponse("no refresh token was stored")
        }
        let response = try await post([("grant_type", "refresh_token"), ("refresh_token", refreshToken),
                                       ("client_id", tokens.clientID), ("client_secret", secret)])
        return self.tokens(from: response, previous: tokens, secret: secret)
    }

    private func requireSecret(_ secret: String?) throws(OAuth2TokenError) -> String {
        guard let secret, !secret.isEmpty else { throw .missingClientSecret }
        return secret
    }

    private func tokens(from response: Response, previous: OAuth2Tokens?, secret: String) -> OAuth2Tokens {
        let now = Date()
        return OAuth2Tokens(connector: client.connector, account: client.account,
                            clientID: previous?.clientID ?? client.clientID, clientSecret: secret,
                            tokenURL: client.tokenURL.absoluteString, accessToken: response.accessToken,
                            refreshToken: response.refreshToken ?? previous?.refreshToken,
                            tokenType: response.tokenType ?? "bearer",
                            scope: response.scope.flatMap { $0.isEmpty ? nil : $0 } ?? previous?.scope,
                            obtainedAt: now, expiresAt: response.expiresIn.map { now.addingTimeInterval($0) })
    }

    private func post(_ form: [(String, String)]) async throws(OAuth2TokenError) -> Response {
        var request = URLRequest(url: client.tokenURL, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        request.httpBody = Data(form.map { "\(OAuth2Client.formEncode($0.0))=\(OAuth2Client.formEncode($0.1))" }
            .joined(separator: "&").utf8)
        let configuration = EphemeralSession.configuration()
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }

        let data: Data
        let status: Int
        do {
            let (body, response) = try await DetachableDataTask.data(for: request, on: session)
            data = body
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
        } catch {
            let host = client.tokenHost
            let reason = (error as? URLError).map { $0.code == .timedOut ? "timed out" : "connection failed (\($0.code.rawValue))" }
                ?? "\(error)"
            throw .unreachable("cannot reach the token endpoint of \(host): \(reason)")
        }
        guard (200..<300).contains(status) else {
            if let body = try? JSONDecoder().decode(ErrorBody.self, from: data) {
                throw .rejected(status: status, error: body.error, description: body.errorDescription)
            }
            let text = String(decoding: data.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            throw .failed(status: status, body: text.isEmpty ? "empty body" : text)
        }
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            // Never echo the body: it may hold a token.
            throw .invalidResponse("\(data.count) bytes without an access_token")
        }
    }
}
