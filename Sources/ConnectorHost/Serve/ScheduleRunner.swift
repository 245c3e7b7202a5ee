import Foundation
import Synchronization

/// Runs a ``SchedulerPlan``: starts each due instance's sync as a child task and sleeps
/// until the next one is due or a run ends, whichever comes first.
///
/// It holds no thread while it waits. Cancelling the task that called ``run(_:)`` stops
/// the scheduling and cancels the running syncs; `run` returns once they have ended, so
/// a sync that honours cancellation can record itself as interrupted first.
public final class ScheduleRunner: Sendable {
    private enum Event: Sendable {
        case finished(String)
        case wake
        case reschedule([String: Schedule])
    }

    private let clock: any ScheduleClock
    private let maxConcurrent: Int
    private let state: Mutex<(plan: SchedulerPlan, schedules: [String: Schedule])>
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    /// A runner for `schedules` (instance name → schedule); nothing runs before ``run(_:)``.
    public init(schedules: [String: Schedule], maxConcurrent: Int, clock: any ScheduleClock = WallClock()) {
        self.clock = clock
        self.maxConcurrent = maxConcurrent
        state = Mutex((SchedulerPlan(schedules: schedules, maxConcurrent: maxConcurrent, now: clock.now), schedules))
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    /// The plan as it stands: what runs and what is due when (for the status page and metrics).
    public var plan: SchedulerPlan { state.withLock { $0.plan } }

    /// Takes new schedules (a reloaded configuration); see ``SchedulerPlan/reschedule(_:now:)``.
    public func reschedule(_ schedules: [String: Schedule]) {
        continuation.yield(.reschedule(schedules))
    }

    /// Schedules until the calling task is cancelled: every instance once now, then on its
    /// schedule. `sync` gets the instance and the time it was due (the start may be later
    /// when slots were taken). Call it once.
    public func run(_ sync: @escaping @Sendable (_ instance: String, _ due: Date) async -> Void) async {
        let start = clock.now
        state.withLock { $0.plan = SchedulerPlan(schedules: $0.schedules, maxConcurrent: maxConcurrent, now: start) }
        var timer: Task<Void, Never>?
        await withTaskGroup(of: Void.self) { group in
            var iterator = events.makeAsyncIterator()
            while !Task.isCancelled {
                let now = clock.now
                let (started, wake) = state.withLock { s -> ([(String, Date)], Date?) in
                    let before = s.plan
                    let names = s.plan.start(at: now)
                    return (names.map { ($0, before.nextRun(of: $0) ?? now) }, s.plan.nextWake)
                }
                for (name, due) in started {
                    group.addTask { [continuation] in
                        await sync(name, due)
                        continuation.yield(.finished(name))
                    }
                }
                timer?.cancel()
                timer = wake.map { wake in
                    Task { [clock, continuation] in
                        if (try? await clock.sleep(until: wake)) != nil { continuation.yield(.wake) }
                    }
                }
                // A cancelled task ends the stream: `next()` then returns nil.
                guard let event = await iterator.next() else { break }
                switch event {
                case .finished(let name):
                    state.withLock { $0.plan.finished(name) }
                case .wake:
                    break
                case .reschedule(let schedules):
                    let now = clock.now
                    state.withLock {
                        $0.schedules = schedules
                        $0.plan.reschedule(schedules, now: now)
                    }
                }
            }
            timer?.cancel()
            group.cancelAll()
        }
    }
}
