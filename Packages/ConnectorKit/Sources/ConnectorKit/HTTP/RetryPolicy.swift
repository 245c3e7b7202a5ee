import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Decides, from what one attempt of a request came to, whether ``HTTPClient`` sends it
/// again, renews the credential, or fails with which error. A pure function of its inputs,
/// so every decision can be tested without a server.
///
/// Retried: 429 (after `Retry-After` when given), 500/502/503/504, timeouts, dropped
/// connections, a refused connection before the third attempt, and a 2xx whose body is not
/// the JSON expected (a truncated body looks exactly like that). Not retried: 401, other
/// statuses, and a host that cannot be resolved or trusted.
struct RetryPolicy {
    /// What one attempt came to.
    enum Outcome {
        /// A 2xx whose body did not decode: `bytes` long, for `reason`.
        case undecodable(bytes: Int, reason: String)
        /// A status other than 2xx, with the `Retry-After` seconds and the body.
        case status(Int, retryAfter: TimeInterval?, body: Data)
        /// No response: the transport threw.
        case transportFailure(any Error)
    }

    /// What to do next.
    enum Decision: Equatable {
        /// Wait (`retryAfter` seconds when the server said, else a backoff) and send again.
        case retry(failure: String, retryAfter: TimeInterval?)
        /// Renew the credential and send again at once.
        case reauthorize
        /// Give up with this error.
        case fail(ConnectorError)
    }

    /// Attempts per request, the first one included.
    var maxAttempts: Int
    /// The request, as it appears in messages (`GET /api/v1/users?page=2`).
    var endpoint: String
    /// The service's host name.
    var host: String
    /// What the credentials are called in a 401 message ("API key").
    var credentialName: String
    /// Appended to a 401 message when the credential can be renewed by the user.
    var reauthorizationHint: String?
    /// Whether a 401 may be answered by renewing the credential.
    var canReauthorize: Bool
    /// Whether this request was already sent again with a renewed credential (once only).
    var reauthorized: Bool
    /// Removes secrets from text that came from outside (bodies, error descriptions).
    var redact: @Sendable (String) -> String

    /// The decision after attempt number `attempt` (from 1) came to `outcome`.
    func decide(_ outcome: Outcome, attempt: Int) -> Decision {
        switch outcome {
        case let .undecodable(bytes, reason):
            let failure = "invalid JSON (\(bytes) bytes): \(reason)"
            guard attempt < maxAttempts else {
                return .fail(.invalidResponse(endpoint: endpoint, message: redact(failure + " after \(attempt) attempts")))
            }
            return .retry(failure: failure, retryAfter: nil)
        case .status(401, _, _):
            return canReauthorize && !reauthorized ? .reauthorize : .fail(rejectedCredentials(afterRefresh: reauthorized))
        case let .status(status, retryAfter, body):
            guard [429, 500, 502, 503, 504].contains(status) else {
                return .fail(.requestFailed(endpoint: endpoint, status: status, message: redact(HTTPClient.snippet(body))))
            }
            guard attempt < maxAttempts else {
                return .fail(.requestFailed(endpoint: endpoint, status: status, message: "still failing after \(attempt) attempts"))
            }
            return .retry(failure: "HTTP \(status)", retryAfter: status == 429 ? retryAfter : nil)
        case let .transportFailure(error):
            return decide(transportFailure: error, attempt: attempt)
        }
    }

    private func decide(transportFailure error: any Error, attempt: Int) -> Decision {
        let urlError = error as? URLError
        switch urlError?.code {
        case .cannotFindHost?, .dnsLookupFailed?, .unsupportedURL?, .badURL?,
             .serverCertificateUntrusted?, .secureConnectionFailed?, .serverCertificateHasBadDate?:
            return .fail(.unreachable(host: host, message: "cannot reach \(host): \(redact(error.localizedDescription))"))
        case .cannotConnectToHost? where attempt >= min(3, maxAttempts):
            return .fail(.unreachable(host: host, message: "cannot connect to \(host): connection refused"))
        default:
            let failure = redact(urlError.map { $0.code == .timedOut ? "timed out" : "network error \($0.code.rawValue)" } ?? "\(error)")
            guard attempt < maxAttempts else {
                return .fail(.requestFailed(endpoint: endpoint, status: nil, message: "\(failure), still failing after \(attempt) attempts"))
            }
            return .retry(failure: failure, retryAfter: nil)
        }
    }

    /// The error for a 401 that renewing did not (or could not) cure.
    func rejectedCredentials(afterRefresh: Bool) -> ConnectorError {
        var message = "the \(credentialName) was rejected by \(host) (HTTP 401 on \(endpoint))"
        if afterRefresh { message += " even after it was refreshed" }
        if let reauthorizationHint { message += "; \(reauthorizationHint)" }
        return .unauthenticated(host: host, message: redact(message))
    }

    /// Seconds to wait before attempt `attempt + 1`: the server's `Retry-After` when it gave
    /// one, else a backoff that doubles from `initial` up to `maximum`, with jitter: `unit`
    /// (0…1) picks a point in the upper half.
    static func delay(attempt: Int, retryAfter: TimeInterval?, initial: TimeInterval, maximum: TimeInterval,
                      unit: Double) -> TimeInterval {
        if let retryAfter { return min(retryAfter, maximum) }
        let ceiling = min(maximum, initial * pow(2, Double(attempt - 1)))
        return ceiling / 2 * (1 + min(max(unit, 0), 1))
    }

    /// `Retry-After` as seconds from `now`: a number, or an HTTP date; `nil` when absent or
    /// unreadable, never negative.
    static func retryAfter(_ header: String?, now: Date = Date()) -> TimeInterval? {
        guard let value = header?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSince(now)) }
    }
}
