import Foundation

/// Spaces requests so that no window of any ``RateLimit`` ever holds more than its count.
///
/// A sliding window, not a token bucket: a bucket lets a full burst land right after a
/// full refill, which doubles the count a server sees in one second. Each start time is
/// reserved under the actor, then awaited outside it, so concurrent callers queue fairly.
public actor RateLimiter {
    private struct Window {
        let limit: RateLimit
        var starts: [Double]      // ring buffer of the last `limit.requests` start times
        var next = 0
    }

    private var windows: [Window]
    private var pausedUntil: Double = 0
    /// Slack added to each window: the server's clock sees arrivals, not our start times.
    private let margin: Double

    /// Creates a limiter; with no limits it never waits.
    public init(_ limits: [RateLimit], margin: TimeInterval = 0.015) {
        self.windows = limits.map { Window(limit: $0, starts: Array(repeating: -.infinity, count: $0.requests)) }
        self.margin = margin
    }

    /// Waits until a request may start, and records it. Returns the seconds waited.
    @discardableResult
    public func acquire() async throws -> TimeInterval {
        let now = Self.now()
        var start = max(now, pausedUntil)
        for window in windows {
            // The oldest of the last N starts must be a full window behind this one.
            start = max(start, window.starts[window.next] + window.limit.per + margin)
        }
        var slots: [Int] = []
        for index in windows.indices {
            slots.append(windows[index].next)
            windows[index].starts[windows[index].next] = start
            windows[index].next = (windows[index].next + 1) % windows[index].limit.requests
        }
        let wait = start - now
        if wait > 0 {
            try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
            // Sleeps overshoot; later requests must be spaced from when this one really left.
            settle(slots: slots, reserved: start, actual: Self.now())
        }
        return max(0, wait)
    }

    private func settle(slots: [Int], reserved: Double, actual: Double) {
        for (index, slot) in zip(windows.indices, slots) where windows[index].starts[slot] == reserved {
            windows[index].starts[slot] = max(reserved, actual)
        }
    }

    /// Holds every request back until `seconds` from now (after a 429 with `Retry-After`).
    public func pause(for seconds: TimeInterval) {
        pausedUntil = max(pausedUntil, Self.now() + seconds)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
