import Synchronization

/// Shared, thread-safe request bookkeeping: the counters of `/_fake/stats`, the
/// sliding-window rate limiter and the per-URL repeat counts that feed fault draws.
/// One mutex guards it all; each request holds it for well under a microsecond.
final class TrafficControl: Sendable {
    struct Limits: Sendable {
        var perSecond: Int?
        var perMinute: Int?
        var sendRetryAfter = true
        /// Whether admitted answers carry `X-RateLimit-Limit/Remaining/Reset` for the fuller window.
        var sendRateLimitHeaders = false
    }

    /// The fuller window after an admitted request, as `X-RateLimit-*` headers tell it.
    struct WindowState: Sendable {
        var limit: Int
        var remaining: Int
        /// Whole seconds (at least 1) until the window's oldest request leaves it.
        var resetSeconds: Int

        var headers: [(String, String)] {
            [("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", String(remaining)),
             ("X-RateLimit-Reset", String(resetSeconds))]
        }
    }

    enum Admission: Sendable {
        /// Over a limit: answer 429, suggesting a wait of `retryAfter` seconds.
        case limited(retryAfter: Int)
        /// Go ahead; `number` is the 1-based real request count; `window` is set when the
        /// limits are told in headers.
        case admitted(number: Int, window: WindowState?)
    }

    enum FaultKind: Sendable { case fail, reset, truncate, stall }

    struct Stats: Sendable {
        var requests = 0
        var peakPerSecond = 0
        var rateLimited = 0
        var fail = 0
        var reset = 0
        var truncate = 0
        var stall = 0
        var unauthorized = 0
    }

    private struct State: ~Copyable {
        var stats = Stats()
        var arrivals = TimeWindow(span: 1_000_000_000)
        var admittedSecond = TimeWindow(span: 1_000_000_000)
        var admittedMinute = TimeWindow(span: 60_000_000_000)
        var occurrences: [String: Int] = [:]
    }

    let limits: Limits
    private let state = Mutex(State())

    init(limits: Limits) {
        self.limits = limits
    }

    /// Counts a real request arriving now and applies the rate limits. Only admitted
    /// requests fill the limit windows, so no window ever serves more than the limit
    /// and a client that waits as told always gets through.
    func arrive(now: UInt64 = MonotonicClock.nanoseconds()) -> Admission {
        state.withLock { s in
            s.stats.requests += 1
            s.arrivals.add(now)
            s.stats.peakPerSecond = max(s.stats.peakPerSecond, s.arrivals.count)
            if let limit = limits.perSecond {
                s.admittedSecond.prune(now: now)
                if s.admittedSecond.count >= limit {
                    s.stats.rateLimited += 1
                    return .limited(retryAfter: s.admittedSecond.secondsUntilSlot(now: now, limit: limit))
                }
            }
            if let limit = limits.perMinute {
                s.admittedMinute.prune(now: now)
                if s.admittedMinute.count >= limit {
                    s.stats.rateLimited += 1
                    return .limited(retryAfter: s.admittedMinute.secondsUntilSlot(now: now, limit: limit))
                }
            }
            if limits.perSecond != nil { s.admittedSecond.add(now) }
            if limits.perMinute != nil { s.admittedMinute.add(now) }
            guard limits.sendRateLimitHeaders else { return .admitted(number: s.stats.requests, window: nil) }
            let windows = [(limits.perSecond, s.admittedSecond), (limits.perMinute, s.admittedMinute)]
                .compactMap { limit, window in
                    limit.map { WindowState(limit: $0, remaining: max(0, $0 - window.count),
                                            resetSeconds: window.secondsUntilSlot(now: now, limit: window.count)) }
                }
            let fullest = windows.min { ($0.remaining, -$0.resetSeconds) < ($1.remaining, -$1.resetSeconds) }
            return .admitted(number: s.stats.requests, window: fullest)
        }
    }

    /// How many times this exact request key was seen before (then counts this one).
    func nextOccurrence(of key: String) -> Int {
        state.withLock { s in
            let seen = s.occurrences[key, default: 0]
            s.occurrences[key] = seen + 1
            return seen
        }
    }

    func count(_ fault: FaultKind) {
        state.withLock { s in
            switch fault {
            case .fail: s.stats.fail += 1
            case .reset: s.stats.reset += 1
            case .truncate: s.stats.truncate += 1
            case .stall: s.stats.stall += 1
            }
        }
    }

    func countUnauthorized() {
        state.withLock { $0.stats.unauthorized += 1 }
    }

    func snapshot() -> Stats {
        state.withLock { $0.stats }
    }

    /// The `/_fake/stats` body.
    func statsJSON() -> [UInt8] {
        let s = snapshot()
        var w = JSONWriter()
        w.raw("{\"requests\":"); w.int(s.requests)
        w.raw(",\"peak_per_second\":"); w.int(s.peakPerSecond)
        w.raw(",\"rate_limited\":"); w.int(s.rateLimited)
        w.raw(",\"faults\":{\"fail\":"); w.int(s.fail)
        w.raw(",\"reset\":"); w.int(s.reset)
        w.raw(",\"truncate\":"); w.int(s.truncate)
        w.raw(",\"stall\":"); w.int(s.stall)
        w.raw("},\"unauthorized\":"); w.int(s.unauthorized)
        w.raw("}\n")
        return w.bytes
    }
}

/// Arrival times within the last `span` nanoseconds, oldest first. An arrival at `t`
/// is inside the window ending at `now` when `now - t < span`.
struct TimeWindow {
    let span: UInt64
    private var times: [UInt64] = []
    private var head = 0

    init(span: UInt64) { self.span = span }

    var count: Int { times.count - head }

    mutating func prune(now: UInt64) {
        while head < times.count, now &- times[head] >= span { head += 1 }
        if head > 4096 && head * 2 > times.count {
            times.removeFirst(head)
            head = 0
        }
    }

    mutating func add(_ time: UInt64) {
        prune(now: time)
        times.append(time)
    }

    /// Whole seconds (at least 1) until the window holds fewer than `limit` entries.
    func secondsUntilSlot(now: UInt64, limit: Int) -> Int {
        let index = times.count - limit
        guard index >= head, index < times.count else { return 1 }
        let freeAt = times[index] &+ span
        let wait = freeAt > now ? freeAt - now : 0
        return max(1, Int((wait + 999_999_999) / 1_000_000_000))
    }
}
