import ConnectorKit
import Foundation
import Testing

/// The limiter's contract, in virtual time: with N requests per window W, request k+N
/// starts a window plus the margin after request k started; nothing starts while the
/// server asked to wait; and the schedule stays within 5 % of the floor the limits set.
struct RateLimiterTests {
    typealias Limiter = RateLimiter<VirtualClock>

    /// Start times in seconds by request id, for `count` requests one after another, each
    /// taking `roundTrip` seconds of `clock`'s time.
    static func sequentialStarts(_ limiter: Limiter, count: Int, clock: VirtualClock, roundTrip: Double = 0) async throws -> [Double] {
        var starts: [Double] = []
        for _ in 0..<count {
            let reservation = try await limiter.acquire()
            try await clock.sleep(for: .seconds(roundTrip))
            await limiter.complete(reservation)
            starts.append(reservation.startedAt.seconds)
        }
        return starts
    }

    static func expectSpaced(_ starts: [Int: Double], _ limit: RateLimit, margin: Double,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        for (id, start) in starts {
            guard let later = starts[id + limit.requests] else { continue }
            #expect(later - start >= limit.per + margin - 1e-9,
                    "request \(id + limit.requests) started \(later - start)s after request \(id) (limit \(limit))",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func sequentialRequestsAreSpacedAWindowAndTheMarginFromTheirPredecessorsStart() async throws {
        let clock = VirtualClock()
        let limiter = Limiter([.perSecond(10)], margin: 0.02, clock: clock)
        let starts = try await Self.sequentialStarts(limiter, count: 25, clock: clock)
        let expected = (0..<25).map { Double($0 / 10) * 1.02 }
        for (start, want) in zip(starts, expected) { #expect(abs(start - want) < 1e-9, "\(starts)") }
    }

    @Test func aRateLimitedSyncStaysWithinFivePercentOfTheFloor() async throws {
        // 103 requests at 20/s and 300/min (20,000 Aha! users and 500 teams): the 101st
        // request can start at 5 s at the earliest.
        let clock = VirtualClock()
        let short = Limiter([.perSecond(20), .perMinute(300)], clock: clock)
        let last = try #require(try await Self.sequentialStarts(short, count: 103, clock: clock).last)
        #expect(last >= 5.0 && last <= 5.0 * 1.05, "last start at \(last)s")

        // 600 requests: the per-minute window binds; the 581st to 600th can start at 74 s.
        let longClock = VirtualClock()
        let long = Limiter([.perSecond(20), .perMinute(300)], clock: longClock)
        let starts = try await Self.sequentialStarts(long, count: 600, clock: longClock)
        let byID = Dictionary(uniqueKeysWithValues: starts.enumerated().map { ($0.offset, $0.element) })
        Self.expectSpaced(byID, .perSecond(20), margin: 0.015)
        Self.expectSpaced(byID, .perMinute(300), margin: 0.015)
        let longLast = try #require(starts.last)
        #expect(longLast >= 74 && longLast <= 74 * 1.05, "last start at \(longLast)s")
    }

    @Test func concurrentCallersShareEveryLimit() async throws {
        let limits = [RateLimit.perSecond(5), RateLimit(8, per: 2)]
        let clock = VirtualClock()
        let limiter = Limiter(limits, margin: 0.01, clock: clock)
        let starts = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
            for index in 0..<40 {
                group.addTask {
                    let reservation = try await limiter.acquire()
                    try await clock.sleep(for: .milliseconds(20 * (index % 4)))
                    await limiter.complete(reservation)
                    return (reservation.id, reservation.startedAt.seconds)
                }
            }
            return try await group.reduce(into: [Int: Double]()) { $0[$1.0] = $1.1 }
        }
        #expect(Set(starts.keys) == Set(0..<40))
        for limit in limits { Self.expectSpaced(starts, limit, margin: 0.01) }
    }

    @Test func aRequestOutLongerThanUsualHoldsItsSuccessorBackByTheExcess() async throws {
        let clock = VirtualClock()
        let limiter = Limiter([.perSecond(2)], margin: 0, clock: clock)
        // Eight quick round trips set the median at 10 ms.
        _ = try await Self.sequentialStarts(limiter, count: 8, clock: clock, roundTrip: 0.01)
        // Request 8 takes 310 ms: it may have reached the server up to 300 ms late.
        let slow = try await limiter.acquire()
        try await clock.sleep(for: .milliseconds(310))
        await limiter.complete(slow)
        _ = try await Self.sequentialStarts(limiter, count: 1, clock: clock, roundTrip: 0.01)
        let successor = try await limiter.acquire()
        #expect(successor.id == 10)
        #expect(abs(successor.startedAt.seconds - slow.startedAt.seconds - 1.3) < 1e-6,
                "started \(successor.startedAt.seconds - slow.startedAt.seconds)s after the slow one")
    }

    @Test func untilRoundTripsAreKnownTheFirstWindowIsSpacedFromCompletion() async throws {
        let clock = VirtualClock()
        let limiter = Limiter([.perSecond(2)], margin: 0, clock: clock)
        let starts = try await Self.sequentialStarts(limiter, count: 3, clock: clock, roundTrip: 0.1)
        // Request 2 waits for request 0's completion (0.1 s) plus the window.
        #expect(abs(starts[2] - 1.1) < 1e-6, "\(starts)")
    }

    @Test func theFirstWindowIsSpacedFromCompletionEvenOnceRoundTripsAreKnown() async throws {
        let clock = VirtualClock()
        let limiter = Limiter([.perSecond(10)], margin: 0, clock: clock)
        // Request 0 opens the connection (200 ms); the nine after it take 50 ms.
        _ = try await Self.sequentialStarts(limiter, count: 1, clock: clock, roundTrip: 0.2)
        _ = try await Self.sequentialStarts(limiter, count: 9, clock: clock, roundTrip: 0.05)
        let tenth = try await limiter.acquire()
        #expect(tenth.id == 10)
        #expect(abs(tenth.startedAt.seconds - 1.2) < 1e-6, "started at \(tenth.startedAt.seconds)s")
    }

    @Test func aRequestThatNeverCompletesHoldsItsSuccessorBackAtMostStaleAfter() async throws {
        let clock = VirtualClock()
        let limiter = Limiter([.perSecond(1)], margin: 0, staleAfter: 5, clock: clock)
        let lost = try await limiter.acquire()
        let next = try await limiter.acquire()
        #expect(abs(next.startedAt.seconds - lost.startedAt.seconds - 6) < 1e-3, "\(next.startedAt.seconds)")
    }

    @Test func aRoundTripLongerThanTheWindowHoldsTheSuccessorBackAllOfIt() async throws {
        // A machine so busy that an answer takes 2.5 s: the request may have arrived just
        // before its answer, so the next one in its window waits for all of it.
        let clock = VirtualClock()
        let limiter = Limiter([.perSecond(1)], margin: 0, clock: clock)
        let starts = try await Self.sequentialStarts(limiter, count: 2, clock: clock, roundTrip: 2.5)
        #expect(starts[1] - starts[0] >= 3.5 - 1e-6, "\(starts)")
    }

    @Test func aRefusalHoldsEveryoneBackAsLongAsTheServerAskedAndWidensTheMargin() async throws {
        let clock = VirtualClock()
        let limiter = Limiter([.perSecond(10)], margin: 0.02, clock: clock)
        let first = try await limiter.acquire()
        await limiter.serverRefused(retryAfter: 3)
        let next = try await limiter.acquire()
        #expect(next.startedAt.seconds - first.startedAt.seconds >= 3 - 1e-9)
        #expect(await limiter.margin > .milliseconds(20))
        // Without Retry-After: no pause, only a wider margin.
        let before = clock.now
        await limiter.serverRefused(retryAfter: nil)
        let third = try await limiter.acquire()
        #expect(third.startedAt == before)
        #expect(await limiter.margin > .milliseconds(50))
    }

    @Test func aWindowTheServerSaysIsSpentPausesEverythingWithoutWideningTheMargin() async throws {
        let clock = VirtualClock()
        let limiter = Limiter([.perSecond(10)], margin: 0.02, clock: clock)
        let first = try await limiter.acquire()
        await limiter.serverExhausted(for: 2)
        let next = try await limiter.acquire()
        #expect(next.startedAt.seconds - first.startedAt.seconds >= 2 - 1e-9)
        #expect(await limiter.margin == .milliseconds(20))
    }

    @Test func aCancelledWaitCountsAsSentAndBlocksNoOne() async throws {
        let clock = VirtualClock()
        let limiter = Limiter([.perSecond(1)], margin: 0, clock: clock)
        _ = try await limiter.acquire()
        let waiting = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await limiter.acquire()
        }
        await #expect(throws: CancellationError.self) { try await waiting.value }
        // The cancelled request holds the next one back a window from when it gave up, no more.
        let next = try await limiter.acquire()
        #expect(next.id == 2)
        #expect(next.startedAt.seconds >= 1 - 1e-9 && next.startedAt.seconds <= 2 + 1e-9)
    }

    @Test func withoutLimitsNothingWaits() async throws {
        let clock = VirtualClock()
        let limiter = Limiter([], clock: clock)
        let starts = try await Self.sequentialStarts(limiter, count: 1000, clock: clock)
        #expect(starts.allSatisfy { $0 == 0 })
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
