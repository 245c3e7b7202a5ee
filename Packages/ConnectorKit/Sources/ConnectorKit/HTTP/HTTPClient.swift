import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one HTTP client every connector uses: JSON GETs with auth, rate limiting,
/// retries with backoff, request counting and secret redaction.
///
/// Retried: 429 (after `Retry-After` when given), 500/502/503/504, timeouts, dropped
/// connections, and a 200 whose body is not the JSON expected (a truncated body looks
/// exactly like that). Not retried: 401 (``ConnectorError/unauthenticated(host:message:)``),
/// other 4xx, and a host that does not resolve. With an ``AuthorizationProvider`` (OAuth),
/// a 401 is the exception: the provider refreshes the credential once and the request is
/// sent again.
public final class HTTPClient: Sendable {
    /// The scheme and host every path is joined to, e.g. `https://acme.aha.io`.
    public let baseURL: URL
    private let headers: [String: String]
    private let limiter: RateLimiter<ContinuousClock>
    private let context: ConnectorContext
    private let session: URLSession
    private let credentialName: String
    private let provider: (any AuthorizationProvider)?

    /// Creates a client.
    /// - Parameters:
    ///   - authorization: the full `Authorization` header value (`Bearer …`, or a raw key).
    ///   - credentialName: what the credentials are called in a 401 message ("API key").
    ///   - rateLimits: limits to stay under; empty for none.
    public convenience init(baseURL: URL, authorization: String?, credentialName: String = "API key",
                            rateLimits: [RateLimit] = [], context: ConnectorContext) {
        self.init(baseURL: baseURL, authorization: authorization, provider: nil, credentialName: credentialName,
                  rateLimits: rateLimits, context: context)
    }

    /// Creates a client whose `Authorization` header comes from `authorizationProvider`,
    /// asked before every attempt and told once per request when the service answers 401.
    public convenience init(baseURL: URL, authorizationProvider: any AuthorizationProvider,
                            rateLimits: [RateLimit] = [], context: ConnectorContext) {
        self.init(baseURL: baseURL, authorization: nil, provider: authorizationProvider,
                  credentialName: authorizationProvider.credentialName, rateLimits: rateLimits, context: context)
    }

    private init(baseURL: URL, authorization: String?, provider: (any AuthorizationProvider)?, credentialName: String,
                 rateLimits: [RateLimit], context: ConnectorContext) {
        self.baseURL = baseURL
        self.credentialName = credentialName
        self.provider = provider
        var headers = ["Accept": "application/json", "User-Agent": context.userAgent]
        if let authorization { headers["Authorization"] = authorization }
        self.headers = headers
        self.limiter = RateLimiter(rateLimits)
        self.context = context
        let configuration = EphemeralSession.configuration()
        configuration.timeoutIntervalForRequest = context.requestTimeout
        configuration.timeoutIntervalForResource = context.requestTimeout * 2
        configuration.httpMaximumConnectionsPerHost = max(2, context.concurrency)
        self.session = URLSession(configuration: configuration)
    }

    private var host: String { baseURL.host ?? baseURL.absoluteString }

    /// How many requests the host allows this connector to have in flight.
    public var concurrency: Int { context.concurrency }

    /// GETs `path` (joined to the base URL) with `query` and decodes the body as `T`.
    public func get<T: Decodable>(_ path: String, query: [(String, String)] = [], as type: T.Type = T.self) async throws -> T {
        let url = try makeURL(path: path, query: query)
        let endpoint = "GET " + describe(url)
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData,
                                 timeoutInterval: context.requestTimeout)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }

        var attempt = 0
        var sentAuthorization: String?
        var reauthorized = false
        while true {
            attempt += 1
            if let provider {
                let value = try await provider.authorization()
                request.setValue(value, forHTTPHeaderField: "Authorization")
                sentAuthorization = value
            }
            let reservation = try await limiter.acquire()
            context.metrics.update {
                $0.requests += 1
                $0.waitedSeconds += reservation.waited
                if attempt > 1 { $0.retries += 1 }
            }
            var failure = ""
            var retryAfter: TimeInterval?
            do {
                let (data, response): (Data, URLResponse)
                do {
                    (data, response) = try await session.data(for: request)
                    await limiter.complete(reservation)
                } catch {
                    await limiter.complete(reservation)
                    throw error
                }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                switch status {
                case 200..<300:
                    do {
                        return try JSONDecoder().decode(T.self, from: data)
                    } catch {
                        failure = "invalid JSON (\(data.count) bytes): \(Self.describe(error))"
                        if attempt >= context.maxAttempts {
                            throw ConnectorError.invalidResponse(endpoint: endpoint, message: context.redact(failure + " after \(attempt) attempts"))
                        }
                    }
                case 401:
                    if let provider, let sentAuthorization, !reauthorized,
                       try await provider.refresh(rejecting: sentAuthorization) {
                        // Sent again at once with the new credential: not a fault, so
                        // neither an attempt nor a retry, and no backoff.
                        reauthorized = true
                        attempt -= 1
                        continue
                    }
                    var message = "the \(credentialName) was rejected by \(host) (HTTP 401 on \(endpoint))"
                    if reauthorized { message += " even after it was refreshed" }
                    if let hint = provider?.reauthorizationHint { message += "; \(hint)" }
                    throw ConnectorError.unauthenticated(host: host, message: context.redact(message))
                case 429, 500, 502, 503, 504:
                    failure = "HTTP \(status)"
                    if status == 429 {
                        context.metrics.update { $0.rateLimited += 1 }
                        retryAfter = (response as? HTTPURLResponse).flatMap(Self.retryAfter)
                        await limiter.serverRefused(retryAfter: retryAfter.map { min($0, context.maxBackoff) })
                    }
                    if attempt >= context.maxAttempts {
                        throw ConnectorError.requestFailed(endpoint: endpoint, status: status,
                                                           message: "still failing after \(attempt) attempts")
                    }
                default:
                    throw ConnectorError.requestFailed(endpoint: endpoint, status: status,
                                                       message: context.redact(Self.snippet(data)))
                }
            } catch let error as ConnectorError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let urlError = error as? URLError
                switch urlError?.code {
                case .cannotFindHost?, .dnsLookupFailed?, .unsupportedURL?, .badURL?,
                     .serverCertificateUntrusted?, .secureConnectionFailed?, .serverCertificateHasBadDate?:
                    throw ConnectorError.unreachable(host: host, message: "cannot reach \(host): \(context.redact(error.localizedDescription))")
                case .cannotConnectToHost? where attempt >= min(3, context.maxAttempts):
                    throw ConnectorError.unreachable(host: host, message: "cannot connect to \(host): connection refused")
                default:
                    failure = context.redact(urlError.map { "\($0.code == .timedOut ? "timed out" : "network error \($0.code.rawValue)")" } ?? "\(error)")
                    if attempt >= context.maxAttempts {
                        throw ConnectorError.requestFailed(endpoint: endpoint, status: nil,
                                                           message: "\(failure), still failing after \(attempt) attempts")
                    }
                }
            }
            try await backOff(attempt: attempt, retryAfter: retryAfter, endpoint: endpoint, failure: failure)
        }
    }

    private func backOff(attempt: Int, retryAfter: TimeInterval?, endpoint: String, failure: String) async throws {
        let used = context.metrics.counts.retries
        guard used < context.retryBudget else {
            throw ConnectorError.requestFailed(endpoint: endpoint, status: nil,
                                               message: "\(failure); retry budget of \(context.retryBudget) for this sync is spent")
        }
        let delay: TimeInterval
        if let retryAfter {
            delay = min(retryAfter, context.maxBackoff)
        } else {
            let ceiling = min(context.maxBackoff, context.initialBackoff * pow(2, Double(attempt - 1)))
            delay = Double.random(in: (ceiling / 2)...max(ceiling / 2, ceiling))
        }
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

    /// `Retry-After` as seconds: a number, or an HTTP date.
    static func retryAfter(_ response: HTTPURLResponse) -> TimeInterval? {
        guard let value = response.value(forHTTPHeaderField: "Retry-After")?.trimmingCharacters(in: .whitespaces) else {
            return nil
        }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
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
