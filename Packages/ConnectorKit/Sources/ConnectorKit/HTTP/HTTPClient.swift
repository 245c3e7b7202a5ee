import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one HTTP client every connector uses: JSON GETs with auth, rate limiting,
/// retries with backoff, request counting and secret redaction.
///
/// Retried: 429 (after `Retry-After` when given), 500/502/503/504, timeouts, dropped
/// connections, and a 200 whose body is not the JSON expected (a truncated body looks
/// exactly like that). Not retried: 401 (``ConnectorError/Kind/unauthenticated``),
/// other 4xx, and a host that does not resolve. With an ``AuthorizationProvider`` (OAuth),
/// a 401 is the exception: the provider refreshes the credential once and the request is
/// sent again. The decisions are ``RetryPolicy``'s; this type carries them out.
public final class HTTPClient: Sendable {
    /// The scheme and host every path is joined to, e.g. `https://acme.aha.io`.
    public let baseURL: URL
    private let headers: [String: String]
    private let limiter: RateLimiter<ContinuousClock>
    private let context: ConnectorContext
    private let transport: any HTTPTransport
    private let credentialName: String
    private let provider: (any AuthorizationProvider)?

    /// Creates a client.
    /// - Parameters:
    ///   - authorization: the full `Authorization` header value (`Bearer …`, or a raw key).
    ///   - credentialName: what the credentials are called in a 401 message ("API key").
    ///   - rateLimits: limits to stay under; empty for none.
    ///   - transport: where requests go; `nil` for the network.
    public convenience init(baseURL: URL, authorization: String?, credentialName: String = "API key",
                            rateLimits: [RateLimit] = [], transport: (any HTTPTransport)? = nil,
                            context: ConnectorContext) {
        self.init(baseURL: baseURL, authorization: authorization, provider: nil, credentialName: credentialName,
                  rateLimits: rateLimits, transport: transport, context: context)
    }

    /// Creates a client whose `Authorization` header comes from `authorizationProvider`,
    /// asked before every attempt and told once per request when the service answers 401.
    public convenience init(baseURL: URL, authorizationProvider: any AuthorizationProvider,
                            rateLimits: [RateLimit] = [], transport: (any HTTPTransport)? = nil,
                            context: ConnectorContext) {
        self.init(baseURL: baseURL, authorization: nil, provider: authorizationProvider,
                  credentialName: authorizationProvider.credentialName, rateLimits: rateLimits,
                  transport: transport, context: context)
    }

    private init(baseURL: URL, authorization: String?, provider: (any AuthorizationProvider)?, credentialName: String,
                 rateLimits: [RateLimit], transport: (any HTTPTransport)?, context: ConnectorContext) {
        self.baseURL = baseURL
        self.credentialName = credentialName
        self.provider = provider
        var headers = ["Accept": "application/json", "User-Agent": context.userAgent]
        if let authorization { headers["Authorization"] = authorization }
        self.headers = headers
        self.limiter = RateLimiter(rateLimits)
        self.context = context
        self.transport = transport ?? SessionTransport(context: context)
    }

    private var host: String { baseURL.host ?? baseURL.absoluteString }

    /// How many requests the host allows this connector to have in flight.
    public var concurrency: Int { context.concurrency }

    /// GETs `path` (joined to the base URL) with `query` and decodes the body as `T`.
    public func get<T: Decodable>(_ path: String, query: [(String, String)] = [], as type: T.Type = T.self) async throws -> T {
        var request = try makeRequest(path: path, query: query)
        var policy = retryPolicy(for: request)
        var attempt = 0
        while true {
            attempt += 1
            let sentAuthorization = try await authorize(&request)
            let outcome: RetryPolicy.Outcome
            switch try await send(request, attempt: attempt, as: T.self) {
            case .decoded(let value): return value
            case .failed(let failure): outcome = failure
            }
            switch policy.decide(outcome, attempt: attempt) {
            case .reauthorize:
                guard let provider, let sentAuthorization, try await provider.refresh(rejecting: sentAuthorization) else {
                    throw policy.rejectedCredentials(afterRefresh: false)
                }
                // Sent again at once with the new credential: not a fault, so neither an
                // attempt nor a retry, and no backoff; a second 401 is final.
                policy.reauthorized = true
                attempt -= 1
            case .retry(let failure, let retryAfter):
                try await backOff(attempt: attempt, retryAfter: retryAfter, endpoint: policy.endpoint, failure: failure)
            case .fail(let error):
                throw error
            }
        }
    }

    // MARK: - Steps of a request

    /// The request for `path` and `query`, with the fixed headers.
    private func makeRequest(path: String, query: [(String, String)]) throws -> URLRequest {
        var request = URLRequest(url: try makeURL(path: path, query: query), cachePolicy: .reloadIgnoringLocalCacheData,
                                 timeoutInterval: context.requestTimeout)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return request
    }

    /// The retry decisions for `request`, with this client's limits and names.
    private func retryPolicy(for request: URLRequest) -> RetryPolicy {
        let context = context
        return RetryPolicy(maxAttempts: context.maxAttempts,
                           endpoint: "GET " + describe(request.url ?? baseURL), host: host,
                           credentialName: credentialName, reauthorizationHint: provider?.reauthorizationHint,
                           canReauthorize: provider != nil, reauthorized: false, redact: { context.redact($0) })
    }

    /// Sets the provider's current `Authorization` on `request`; returns it (nil without a provider).
    private func authorize(_ request: inout URLRequest) async throws -> String? {
        guard let provider else { return nil }
        let value = try await provider.authorization()
        request.setValue(value, forHTTPHeaderField: "Authorization")
        return value
    }

    /// What one attempt came to: the decoded body, or what the retry policy must judge.
    private enum Attempt<T> {
        case decoded(T)
        case failed(RetryPolicy.Outcome)
    }

    /// Waits for the rate limiter, counts the request, sends it once and decodes a 2xx body.
    private func send<T: Decodable>(_ request: URLRequest, attempt: Int, as type: T.Type) async throws -> Attempt<T> {
        let reservation = try await limiter.acquire()
        context.metrics.update {
            $0.requests += 1
            $0.waitedSeconds += reservation.waited
            if attempt > 1 { $0.retries += 1 }
        }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await transport.send(request)
            await limiter.complete(reservation)
        } catch is CancellationError {
            await limiter.complete(reservation)
            throw CancellationError()
        } catch {
            await limiter.complete(reservation)
            return .failed(.transportFailure(error))
        }
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        if status != 429, let http, let wait = RateLimitFeedback.exhaustedFor(header: { http.value(forHTTPHeaderField: $0) }) {
            await limiter.serverExhausted(for: min(wait, context.maxBackoff))
        }
        guard (200..<300).contains(status) else {
            let retryAfter = RetryPolicy.retryAfter(http?.value(forHTTPHeaderField: "Retry-After"))
            if status == 429 { await noteRateLimited(retryAfter: retryAfter) }
            return .failed(.status(status, retryAfter: retryAfter, body: data))
        }
        do {
            return .decoded(try JSONDecoder().decode(T.self, from: data))
        } catch {
            return .failed(.undecodable(bytes: data.count, reason: Self.describe(error)))
        }
    }

    /// Counts a 429 and holds every request of this client back as long as the server asked.
    private func noteRateLimited(retryAfter: TimeInterval?) async {
        context.metrics.update { $0.rateLimited += 1 }
        await limiter.serverRefused(retryAfter: retryAfter.map { min($0, context.maxBackoff) })
    }

    /// Waits before the next attempt, within the sync's retry budget.
    private func backOff(attempt: Int, retryAfter: TimeInterval?, endpoint: String, failure: String) async throws {
        let used = context.metrics.counts.retries
        guard used < context.retryBudget else {
            throw ConnectorError.requestFailed(endpoint: endpoint, status: nil,
                                               message: "\(failure); retry budget of \(context.retryBudget) for this sync is spent")
        }
        let delay = RetryPolicy.delay(attempt: attempt, retryAfter: retryAfter, initial: context.initialBackoff,
                                      maximum: context.maxBackoff, unit: Double.random(in: 0...1))
        context.note("\(endpoint): \(failure); retry \(attempt) in \(String(format: "%.2f", delay))s")
        context.metrics.update { $0.waitedSeconds += delay }
        if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) }
    }

    private func makeURL(path: String, query: [(String, String)]) throws -> URL {
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else {
            throw ConnectorError.other("invalid base URL")
        }
        let base = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.path = base + (path.hasPrefix("/") ? path : "/" + path)
        if !query.isEmpty {
            components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        }
        guard let url = components.url else { throw ConnectorError.other("cannot build a URL for \(path)") }
        return url
    }

    private func describe(_ url: URL) -> String {
        var text = url.path
        if let query = url.query, !query.isEmpty { text += "?" + query }
        return context.redact(text)
    }

    static func snippet(_ data: Data) -> String {
        let text = String(decoding: data.prefix(200), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        return text.isEmpty ? "empty body" : text
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        case DecodingError.keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case DecodingError.typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath))"
        case DecodingError.valueNotFound(let type, let context):
            return "null where \(type) was expected at \(path(context.codingPath))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "top level"
            : codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
