import ConnectorKit
import Foundation
import Testing

/// The limiter is a sliding window: no window of the limit's length ever holds more
/// requests than the limit, unlike a token bucket right after a refill.
struct RateLimiterTests {
    @Test func noSecondEverHoldsMoreThanTheLimit() async throws {
        let limiter = RateLimiter([.perSecond(10)], margin: 0)
        let clock = ContinuousClock()
        let start = clock.now
        var starts: [Double] = []
        for _ in 0..<25 {
            try await limiter.acquire()
            let elapsed = clock.now - start
            starts.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        for (index, first) in starts.enumerated() {
            // The limiter records its own clock a moment before ours: allow 5 ms.
            let inWindow = starts[index...].prefix { $0 < first + 0.995 }.count
            #expect(inWindow <= 10, "\(inWindow) starts within a second of \(first)")
        }
        // 25 requests at 10/s take at least two full windows, and not much more.
        let total = try #require(starts.last)
        #expect(total >= 1.99 && total < 2.6, "took \(total)s")
    }

    @Test func concurrentCallersShareTheLimit() async throws {
        let limiter = RateLimiter([.perSecond(5), RateLimit(8, per: 2)], margin: 0.02)
        let clock = ContinuousClock()
        let start = clock.now
        let times = try await withThrowingTaskGroup(of: Double.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await limiter.acquire()
                    let elapsed = clock.now - start
                    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                }
            }
            return try await group.reduce(into: [Double]()) { $0.append($1) }.sorted()
        }
        for (index, first) in times.enumerated() {
            #expect(times[index...].prefix { $0 < first + 0.995 }.count <= 5)
            #expect(times[index...].prefix { $0 < first + 1.995 }.count <= 8)
        }
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
