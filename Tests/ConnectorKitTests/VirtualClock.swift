import Synchronization

/// A clock whose time moves only when someone sleeps on it: a sleep returns at once, with
/// the clock set to its deadline. Code that waits on it runs in virtual time, so a
/// schedule of minutes is checked exactly, in microseconds, on however busy a machine.
final class VirtualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }

        /// Seconds since the clock's zero.
        var seconds: Double {
            Double(offset.components.seconds) + Double(offset.components.attoseconds) / 1e18
        }
    }

    private let current = Mutex(Instant(offset: .zero))

    var now: Instant { current.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        current.withLock { $0 = max($0, deadline) }
        await Task.yield()
    }
}
