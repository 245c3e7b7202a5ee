import Foundation

/// Spaces requests so that no window of any ``RateLimit`` holds more than its count, as
/// the server sees them, while losing as little time as possible to the spacing.
///
/// A sliding window, not a token bucket: a bucket lets a full burst land right after a
/// full refill, which doubles the count a server sees in one second. With N requests per
/// window W, request k+N starts a window plus a margin after request k *started*.
///
/// Why the start: the server counts a request when it arrives, somewhere between its
/// start and its completion. Spacing from completion is always safe but adds a whole round
/// trip to every window (24 % over the floor at 150 ms a request). Spacing from the start
/// is exact when requests take equally long to arrive, and the margin covers what differs:
///
/// - a request that took longer than the recent median may have arrived that much later
///   (a new connection, a server thread that ran late): its successor waits by the excess,
///   however long (a machine so busy that answers take longer than the window is when it
///   matters most), but for a request still out, at most `staleAfter` (one that never
///   completes cannot stall the sync).
///   The first window is spaced from completion (the excess is the whole round trip): its
///   requests open the connections, on a server that may still be starting threads, so
///   they can all arrive late alike while the next window's, on warm connections, arrive
///   at once; no median of theirs tells that. It costs one round trip a sync, not one a
///   window;
/// - a busy machine wakes us late, and runs the requests late too: the largest recent
///   lateness of our own wake-ups is added (well under a millisecond on a quiet machine),
///   and past 5 ms the limiter spaces from completion: on a machine that busy the floor
///   matters less than never being refused;
/// - a 429 means the server counted differently anyway: ``serverRefused(retryAfter:)``
///   holds everything back as long as it asks and widens the margin for the rest of the
///   sync, so one misjudgement costs one retry, not one per window; and a server that says
///   in an answer that its window is spent (``serverExhausted(for:)``) is believed before
///   it has to refuse anything.
///
/// The clock is injected, so the schedule can be checked in virtual time.
public actor RateLimiter<C: Clock> where C.Duration == Duration {
    /// A request's ticket: when it was admitted and how long it waited.
    public struct Reservation: Sendable {
        /// Seconds the caller waited for its turn.
        public let waited: TimeInterval
        /// The order in which the request asked, from 0.
        public let id: Int
        /// When it was let go, on the limiter's clock.
        public let startedAt: C.Instant
    }

    /// A request that was let go: when, and when it came back.
    private struct Sent {
        var start: C.Instant
        var completion: C.Instant?
    }

    private let limits: [RateLimit]
    private let longestCount: Int
    private let clock: C
    /// How long a request still out may hold its successors back.
    private let staleAfter: Duration
    /// Added to each window; grows when the server refuses a request anyway.
    public private(set) var margin: Duration
    private var nextID = 0
    /// Recent requests by id; a cancelled one counts as sent when it gave up.
    private var sent: [Int: Sent] = [:]
    /// When each request still waiting is due, so its successors can plan from it.
    private var dueAt: [Int: C.Instant] = [:]
    private var pausedUntil: C.Instant?
    /// The largest recent delay between a wake-up's deadline and the wake-up, decaying.
    private var lateness: Duration = .zero
    /// Round trips of the last completed requests, oldest first.
    private var roundTrips: [Duration] = []
    /// What a round trip usually takes; zero until enough are known to say.
    private var usualRoundTrip: Duration = .zero
    private static var roundTripsForAMedian: Int { 8 }

    /// Creates a limiter that reads and sleeps on `clock`; with no limits it never waits.
    public init(_ limits: [RateLimit], margin: TimeInterval = 0.015, staleAfter: TimeInterval = 60, clock: C) {
        self.limits = limits
        self.longestCount = limits.map(\.requests).max() ?? 0
        self.margin = .seconds(margin)
        self.staleAfter = .seconds(staleAfter)
        self.clock = clock
    }

    /// Waits until a request may start, and records its start. Report its end with
    /// ``complete(_:)``.
    @discardableResult
    public func acquire() async throws -> Reservation {
        let begun = clock.now
        let id = nextID
        nextID += 1
        do {
            while true {
                // A cancelled caller must not take a slot, even when no wait is due.
                try Task.checkCancellation()
                let (due, recheck) = schedule(id)
                dueAt[id] = due
                if due > clock.now {
                    try await clock.sleep(until: due, tolerance: nil)
                    // Capped: a wake-up seconds late is a suspended machine, not a busy one.
                    lateness = min(max(due.duration(to: clock.now), lateness * 0.9), .milliseconds(250))
                } else if recheck {
                    // A predecessor has not started, or is out longer than usual: look again soon.
                    try await clock.sleep(until: clock.now.advanced(by: .milliseconds(1)), tolerance: nil)
                } else {
                    break
                }
            }
        } catch {
            // Conservative: a request that gave up still holds its successors back, as if sent.
            started(id)
            sent[id]?.completion = clock.now
            throw error
        }
        let now = started(id)
        return Reservation(waited: Self.seconds(begun.duration(to: now)), id: id, startedAt: now)
    }

    /// Records that a request came back (with an answer or an error).
    public func complete(_ reservation: Reservation) {
        complete(id: reservation.id, at: clock.now)
    }

    /// Records that the server answered 429: nothing starts for `retryAfter` seconds (when
    /// it said), and every later window gets a wider margin.
    public func serverRefused(retryAfter: TimeInterval?) {
        if let retryAfter { pause(for: retryAfter) }
        margin = min(margin * 2 + .milliseconds(10), .seconds(1))
    }

    /// Records that the server said its window is spent for `seconds` (in an answer's
    /// rate-limit headers): nothing starts until then. Not a misjudgement, unlike a 429:
    /// the margin stays as it is.
    public func serverExhausted(for seconds: TimeInterval) {
        pause(for: seconds)
    }

    private func pause(for seconds: TimeInterval) {
        guard seconds > 0, seconds.isFinite else { return }
        let until = clock.now.advanced(by: .seconds(seconds))
        pausedUntil = pausedUntil.map { max($0, until) } ?? until
    }

    /// When request `id` may start, and whether to look again before then.
    private func schedule(_ id: Int) -> (C.Instant, Bool) {
        let now = clock.now
        var due = pausedUntil.map { max($0, now) } ?? now
        var recheck = false
        for limit in limits where id >= limit.requests {
            let predecessor = id - limit.requests
            let gap = Duration.seconds(limit.per) + margin + lateness
            if let request = sent[predecessor] {
                // Out longer than usual: it may have arrived that much later.
                let roundTrip = request.start.duration(to: request.completion ?? now)
                // A busy machine (wake-ups running late) delays arrivals unevenly and unseen:
                // space from completion then, the way that is safe whatever the delays.
                let busy = lateness > .milliseconds(5)
                let usual = busy || predecessor < limit.requests ? .zero : usualRoundTrip
                var excess = max(.zero, roundTrip - usual)
                if request.completion == nil {
                    excess = min(excess, staleAfter)
                    if excess > .zero && excess < staleAfter { recheck = true }
                }
                due = max(due, request.start.advanced(by: gap + excess))
            } else if let planned = dueAt[predecessor] {
                due = max(due, planned.advanced(by: gap))
                recheck = true
            }
        }
        return (due, recheck)
    }

    @discardableResult
    private func started(_ id: Int) -> C.Instant {
        let now = clock.now
        dueAt[id] = nil
        sent[id] = Sent(start: now)
        if sent.count > 2 * longestCount + 64 {
            // A request holds back only requests at most `longestCount` after it.
            let lowestWaiting = dueAt.keys.min() ?? nextID
            sent = sent.filter { $0.key >= lowestWaiting - longestCount }
        }
        return now
    }

    private func complete(id: Int, at instant: C.Instant) {
        guard let start = sent[id]?.start, sent[id]?.completion == nil else { return }
        sent[id]?.completion = instant
        roundTrips.append(start.duration(to: instant))
        if roundTrips.count > 64 { roundTrips.removeFirst(roundTrips.count - 64) }
        if roundTrips.count >= Self.roundTripsForAMedian {
            usualRoundTrip = roundTrips.sorted()[roundTrips.count / 2]
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let parts = duration.components
        return max(0, Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
    }
}

extension RateLimiter where C == ContinuousClock {
    /// Creates a limiter on the real, monotonic clock.
    public init(_ limits: [RateLimit], margin: TimeInterval = 0.015) {
        self.init(limits, margin: margin, clock: ContinuousClock())
    }
}
