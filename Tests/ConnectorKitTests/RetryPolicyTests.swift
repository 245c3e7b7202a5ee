@testable import ConnectorKit
import Foundation
import Testing

/// HTTPClient's retry decisions, as the pure function they are: every status, transport
/// failure, truncated body and attempt limit, with no server and no clock.
struct RetryPolicyTests {
    static let endpoint = "GET /api/v1/users?page=2"

    static func policy(maxAttempts: Int = 6, canReauthorize: Bool = false, reauthorized: Bool = false) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, endpoint: endpoint, host: "acme.aha.io", credentialName: "API key",
                    reauthorizationHint: canReauthorize ? "run 'connhost auth aha' again" : nil,
                    canReauthorize: canReauthorize, reauthorized: reauthorized,
                    redact: { $0.replacingOccurrences(of: "sekret", with: "[REDACTED]") })
    }

    static func status(_ code: Int, retryAfter: TimeInterval? = nil, body: String = "") -> RetryPolicy.Outcome {
        .status(code, retryAfter: retryAfter, body: Data(body.utf8))
    }

    @Test(arguments: [429, 500, 502, 503, 504])
    func transientStatusesAreRetriedUntilTheLastAttempt(code: Int) {
        let policy = Self.policy(maxAttempts: 3)
        #expect(policy.decide(Self.status(code), attempt: 1) == .retry(failure: "HTTP \(code)", retryAfter: nil))
        #expect(policy.decide(Self.status(code), attempt: 2) == .retry(failure: "HTTP \(code)", retryAfter: nil))
        #expect(policy.decide(Self.status(code), attempt: 3)
                == .fail(.requestFailed(endpoint: Self.endpoint, status: code, message: "still failing after 3 attempts")))
    }

    @Test func onlyA429HonoursRetryAfter() {
        #expect(Self.policy().decide(Self.status(429, retryAfter: 7), attempt: 1) == .retry(failure: "HTTP 429", retryAfter: 7))
        #expect(Self.policy().decide(Self.status(503, retryAfter: 7), attempt: 1) == .retry(failure: "HTTP 503", retryAfter: nil))
    }

    @Test(arguments: [400, 403, 404, 409, 501, 0])
    func otherStatusesFailAtOnceWithTheBodyRedacted(code: Int) {
        let decision = Self.policy().decide(Self.status(code, body: "no access for sekret\nat all"), attempt: 1)
        #expect(decision == .fail(.requestFailed(endpoint: Self.endpoint, status: code, message: "no access for [REDACTED] at all")))
    }

    @Test func anEmptyErrorBodyIsSaidToBeEmpty() {
        #expect(Self.policy().decide(Self.status(404), attempt: 1)
                == .fail(.requestFailed(endpoint: Self.endpoint, status: 404, message: "empty body")))
    }

    @Test func a401FailsWithoutAProviderAndReauthorizesOnceWithOne() {
        let rejected = ConnectorError.unauthenticated(
            host: "acme.aha.io", message: "the API key was rejected by acme.aha.io (HTTP 401 on \(Self.endpoint))")
        #expect(Self.policy().decide(Self.status(401), attempt: 1) == .fail(rejected))
        #expect(Self.policy(canReauthorize: true).decide(Self.status(401), attempt: 1) == .reauthorize)
        #expect(Self.policy(canReauthorize: true, reauthorized: true).decide(Self.status(401), attempt: 1)
                == .fail(.unauthenticated(host: "acme.aha.io", message: "the API key was rejected by acme.aha.io "
                    + "(HTTP 401 on \(Self.endpoint)) even after it was refreshed; run 'connhost auth aha' again")))
    }

    @Test func aTruncatedBodyIsRetriedThenReportedAsInvalid() {
        let truncated = RetryPolicy.Outcome.undecodable(bytes: 17, reason: "unexpected end of data")
        #expect(Self.policy(maxAttempts: 2).decide(truncated, attempt: 1)
                == .retry(failure: "invalid JSON (17 bytes): unexpected end of data", retryAfter: nil))
        #expect(Self.policy(maxAttempts: 2).decide(truncated, attempt: 2)
                == .fail(.invalidResponse(endpoint: Self.endpoint,
                                          message: "invalid JSON (17 bytes): unexpected end of data after 2 attempts")))
    }

    @Test(arguments: [URLError.Code.cannotFindHost, .dnsLookupFailed, .unsupportedURL, .badURL,
                      .serverCertificateUntrusted, .secureConnectionFailed, .serverCertificateHasBadDate])
    func hostsThatCannotBeReachedFailAtOnce(code: URLError.Code) throws {
        let decision = Self.policy().decide(.transportFailure(URLError(code)), attempt: 1)
        guard case .fail(let error) = decision else { Issue.record("\(decision)"); return }
        #expect(error.kind == .unreachable)
        #expect(error.host == "acme.aha.io")
        #expect(error.message.hasPrefix("cannot reach acme.aha.io: "))
    }

    @Test func aRefusedConnectionIsRetriedTwiceThenReportedUnreachable() {
        let refused = RetryPolicy.Outcome.transportFailure(URLError(.cannotConnectToHost))
        let failure = "network error \(URLError.Code.cannotConnectToHost.rawValue)"
        #expect(Self.policy().decide(refused, attempt: 1) == .retry(failure: failure, retryAfter: nil))
        #expect(Self.policy().decide(refused, attempt: 2) == .retry(failure: failure, retryAfter: nil))
        #expect(Self.policy().decide(refused, attempt: 3)
                == .fail(.unreachable(host: "acme.aha.io", message: "cannot connect to acme.aha.io: connection refused")))
        // With fewer attempts allowed, the last one decides.
        #expect(Self.policy(maxAttempts: 2).decide(refused, attempt: 2)
                == .fail(.unreachable(host: "acme.aha.io", message: "cannot connect to acme.aha.io: connection refused")))
    }

    @Test func timeoutsAndDroppedConnectionsAreRetriedUntilTheLastAttempt() {
        let timeout = RetryPolicy.Outcome.transportFailure(URLError(.timedOut))
        #expect(Self.policy(maxAttempts: 2).decide(timeout, attempt: 1) == .retry(failure: "timed out", retryAfter: nil))
        #expect(Self.policy(maxAttempts: 2).decide(timeout, attempt: 2)
                == .fail(.requestFailed(endpoint: Self.endpoint, status: nil, message: "timed out, still failing after 2 attempts")))
        let dropped = RetryPolicy.Outcome.transportFailure(URLError(.networkConnectionLost))
        #expect(Self.policy().decide(dropped, attempt: 1)
                == .retry(failure: "network error \(URLError.Code.networkConnectionLost.rawValue)", retryAfter: nil))
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2026-12-01T08:00:00Z"))
        #expect(RetryPolicy.retryAfter("120", now: now) == 120)
        #expect(RetryPolicy.retryAfter(" 1.5 ", now: now) == 1.5)
        #expect(RetryPolicy.retryAfter("-3", now: now) == 0)
        #expect(RetryPolicy.retryAfter("Tue, 01 Dec 2026 08:00:30 GMT", now: now) == 30)
        #expect(RetryPolicy.retryAfter("Tue, 01 Dec 2026 07:59:00 GMT", now: now) == 0)
        #expect(RetryPolicy.retryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.retryAfter(nil, now: now) == nil)
    }

    @Test func backoffDoublesWithJitterInTheUpperHalfAndRetryAfterIsCapped() {
        func delay(_ attempt: Int, _ unit: Double, retryAfter: TimeInterval? = nil) -> TimeInterval {
            RetryPolicy.delay(attempt: attempt, retryAfter: retryAfter, initial: 0.2, maximum: 30, unit: unit)
        }
        #expect(delay(1, 0) == 0.1)
        #expect(delay(1, 1) == 0.2)
        #expect(abs(delay(3, 0.5) - 0.6) < 1e-9)
        #expect(delay(20, 1) == 30)
        #expect(delay(2, 0.5, retryAfter: 7) == 7)
        #expect(delay(2, 0.5, retryAfter: 600) == 30)
    }
}

/// `X-RateLimit-*` feedback: a spent window pauses the client until its reset.
struct RateLimitFeedbackTests {
    static func exhausted(_ headers: [String: String], now: Date = Date(timeIntervalSince1970: 1_800_000_000)) -> TimeInterval? {
        RateLimitFeedback.exhaustedFor(header: { name in headers.first { $0.key.lowercased() == name.lowercased() }?.value }, now: now)
    }

    @Test func aSpentWindowPausesUntilItsResetInSecondsOrAsAnEpoch() {
        #expect(Self.exhausted(["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "3"]) == 3)
        #expect(Self.exhausted(["x-ratelimit-remaining": " 0 ", "x-ratelimit-reset": "0.5"]) == 0.5)
        #expect(Self.exhausted(["RateLimit-Remaining": "0", "RateLimit-Reset": "7"]) == 7)
        #expect(Self.exhausted(["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1800000012"]) == 12)
        #expect(Self.exhausted(["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1799999990"]) == 0)
    }

    @Test func roomLeftOrNoResetOrNonsenseIsNoPause() {
        #expect(Self.exhausted([:]) == nil)
        #expect(Self.exhausted(["X-RateLimit-Remaining": "4", "X-RateLimit-Reset": "3"]) == nil)
        #expect(Self.exhausted(["X-RateLimit-Remaining": "0"]) == nil)
        #expect(Self.exhausted(["X-RateLimit-Remaining": "none", "X-RateLimit-Reset": "3"]) == nil)
        #expect(Self.exhausted(["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "-2"]) == nil)
        #expect(Self.exhausted(["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "inf"]) == nil)
    }
}
