import ConnectorKit
import Foundation
import Testing

/// The limiter's contract: with N requests per window W, request k+N starts only after
/// request k has completed and W has passed. The server sees each request somewhere
/// between its start and its completion, so no server-side window ever holds more than N,
/// however late a request arrives. These checks hold on a busy machine too: they compare
/// the limiter's own ordering, not the test's timing.
struct RateLimiterTests {
    struct Span { var id: Int; var start: Double; var end: Double }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// One simulated request: acquire, "send" for `latency`, complete.
    static func request(_ limiter: RateLimiter, latency: Double, since start: ContinuousClock.Instant) async throws -> Span {
        let reservation = try await limiter.acquire()
        let begun = seconds(since: start)
        try await Task.sleep(nanoseconds: UInt64(latency * 1e9))
        let ended = seconds(since: start)
        await limiter.complete(reservation)
        return Span(id: reservation.id, start: begun, end: ended)
    }

    static func expectSpaced(_ spans: [Span], _ limit: RateLimit) {
        let byID = Dictionary(uniqueKeysWithValues: spans.map { ($0.id, $0) })
        for span in spans {
            guard let later = byID[span.id + limit.requests] else { continue }
            #expect(later.start >= span.end + limit.per,
                    "request \(later.id) started \(later.start - span.end)s after request \(span.id) ended (limit \(limit))")
        }
    }

    @Test func sequentialRequestsAreSpacedFromCompletion() async throws {
        let limit = RateLimit.perSecond(10)
        let limiter = RateLimiter([limit], margin: 0)
        let start = ContinuousClock.now
        var spans: [Span] = []
        for _ in 0..<25 {
            spans.append(try await Self.request(limiter, latency: 0.01, since: start))
        }
        #expect(spans.map(\.id) == Array(0..<25))
        Self.expectSpaced(spans, limit)
        // 25 need at least two full windows after the first ten.
        #expect(try #require(spans.last).start >= 2.0)
    }

    @Test func concurrentCallersShareEveryLimit() async throws {
        let limits = [RateLimit.perSecond(5), RateLimit(8, per: 2)]
        let limiter = RateLimiter(limits, margin: 0)
        let start = ContinuousClock.now
        let spans = try await withThrowingTaskGroup(of: Span.self) { group in
            for index in 0..<14 {
                group.addTask { try await Self.request(limiter, latency: Double(index % 4) * 0.02, since: start) }
            }
            return try await group.reduce(into: [Span]()) { $0.append($1) }
        }
        #expect(Set(spans.map(\.id)) == Set(0..<14))
        for limit in limits { Self.expectSpaced(spans, limit) }
    }

    // `staleAfter` is far away in these two: a busy test run can delay a sleep by minutes,
    // and an in-flight request older than `staleAfter` stops holding others back.

    @Test func anUnfinishedRequestHoldsItsSuccessorBack() async throws {
        let limiter = RateLimiter([.perSecond(1)], margin: 0, staleAfter: 100_000)
        let start = ContinuousClock.now
        let first = try await limiter.acquire()
        let second = Task { () -> (RateLimiter.Reservation, Double) in
            let reservation = try await limiter.acquire()
            return (reservation, Self.seconds(since: start))
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        // Taken before `complete`, so it is no later than the completion the limiter records.
        let completed = Self.seconds(since: start)
        await limiter.complete(first)
        let (reservation, admitted) = try await second.value
        #expect(reservation.id == 1)
        #expect(admitted >= completed + 1.0, "admitted \(admitted - completed)s after the first request completed")
    }

    @Test func aCancelledWaitDoesNotBlockOthers() async throws {
        let limiter = RateLimiter([.perSecond(1)], margin: 0, staleAfter: 100_000)
        // The first request stays in flight, so the second cannot be admitted before its cancel.
        let first = try await limiter.acquire()
        let waiting = Task { try await limiter.acquire() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await limiter.complete(first)
        // The cancelled request counts as finished: the next one waits its window, no more.
        let next = try await limiter.acquire()
        #expect(next.id == 2)
    }

    @Test func parsesRates() {
        #expect(RateLimit(parsing: "20/s") == .perSecond(20))
        #expect(RateLimit(parsing: "300/min") == .perMinute(300))
        #expect(RateLimit(parsing: "7") == .perSecond(7))
        #expect(RateLimit(parsing: "0/s") == nil)
        #expect(RateLimit(parsing: "fast") == nil)
        #expect(RateLimit(parsing: "5/h") == nil)
    }
}
