import Foundation

/// Spaces requests so that no window of any ``RateLimit`` ever holds more than its count
/// as the server sees them.
///
/// A sliding window, not a token bucket: a bucket lets a full burst land right after a
/// full refill, which doubles the count a server sees in one second. The server counts a
/// request when it arrives, which can be well after it started (a first request opens
/// the connection; a busy machine delays it), so with a limit of N per window request
/// k+N starts only once request k has *completed* and a full window has passed since:
/// completion is an upper bound on arrival. Callers report completion with ``complete(_:)``.
public actor RateLimiter {
    /// A request's ticket, handed back to ``complete(_:)`` when it is done.
    public struct Reservation: Sendable {
        /// Seconds the caller waited for its turn.
        public let waited: TimeInterval
        /// The order in which the request was admitted, from 0.
        public let id: Int
    }

    private let limits: [RateLimit]
    private let longestCount: Int
    private var nextID = 0
    private var completedAt: [Int: Double] = [:]   // finished requests that may still hold others back
    private var startedAt: [Int: Double] = [:]     // requests in flight
    private var waiting = Set<Int>()               // requests not yet admitted
    private var pausedUntil: Double = 0
    /// Slack added to each window for clock granularity on the server's side.
    private let margin: Double
    /// A request still in flight after this long no longer holds later ones back, so a
    /// caller that never calls `complete` cannot stall a sync forever.
    private let staleAfter: Double

    /// Creates a limiter; with no limits it never waits.
    public init(_ limits: [RateLimit], margin: TimeInterval = 0.01, staleAfter: TimeInterval = 300) {
        self.limits = limits
        self.longestCount = limits.map(\.requests).max() ?? 0
        self.margin = margin
        self.staleAfter = staleAfter
    }

    /// Waits until a request may start, and records it as in flight.
    @discardableResult
    public func acquire() async throws -> Reservation {
        let begun = Self.now()
        let id = nextID
        nextID += 1
        waiting.insert(id)
        defer { waiting.remove(id) }
        do {
            while true {
                // A cancelled caller must not take a slot, even when no wait is due.
                try Task.checkCancellation()
                var start = pausedUntil
                var pending = false
                for limit in limits where id >= limit.requests {
                    let predecessor = id - limit.requests
                    if let completed = completedAt[predecessor] {
                        start = max(start, completed + limit.per + margin)
                    } else if waiting.contains(predecessor) {
                        pending = true
                    } else if let started = startedAt[predecessor], Self.now() - started < staleAfter {
                        pending = true
                    }
                }
                let now = Self.now()
                if pending {
                    // Cheap beside a window: the predecessor's answer is on its way.
                    try await Task.sleep(nanoseconds: 2_000_000)
                } else if start > now {
                    try await Task.sleep(nanoseconds: UInt64((start - now) * 1_000_000_000))
                } else {
                    break
                }
            }
        } catch {
            finish(id)
            throw error
        }
        startedAt[id] = Self.now()
        return Reservation(waited: max(0, Self.now() - begun), id: id)
    }

    /// Records that a request finished (with an answer or an error).
    public func complete(_ reservation: Reservation) {
        finish(reservation.id)
    }

    /// Holds every request back until `seconds` from now (after a 429 with `Retry-After`).
    public func pause(for seconds: TimeInterval) {
        pausedUntil = max(pausedUntil, Self.now() + seconds)
    }

    private func finish(_ id: Int) {
        startedAt[id] = nil
        completedAt[id] = Self.now()
        if completedAt.count > 2 * longestCount + 64 {
            // A finished request can hold back only requests at most `longestCount` after
            // it, and every request below the oldest unfinished one is already admitted.
            let oldest = (waiting.union(startedAt.keys)).min() ?? nextID
            completedAt = completedAt.filter { $0.key >= oldest - longestCount }
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
