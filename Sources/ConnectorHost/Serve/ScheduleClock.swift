import Foundation

/// The wall clock the scheduler reads and sleeps on: ``WallClock`` in service, a clock
/// the test moves by hand in tests.
///
/// Wall time (not a monotonic clock) because cron expressions name wall-clock minutes.
public protocol ScheduleClock: Sendable {
    /// The current time.
    var now: Date { get }
    /// Returns at `deadline` or later; throws `CancellationError` when the task is cancelled first.
    func sleep(until deadline: Date) async throws
}
