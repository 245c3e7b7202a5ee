import ConnectorHost
import Foundation
import Synchronization
import Testing
import TestSupport

/// `ScheduleRunner` on a clock the test moves: which syncs start when, slots, reloads and
/// cancellation. Each step waits (bounded) for the runner to settle before moving time.
@Suite struct ScheduleRunnerTests {
    static let zero = Date(timeIntervalSince1970: 1_800_000_000)

    /// What the fake syncs did, as `name start@T due@T`, `name end@T`, `name cancelled@T`
    /// (T in seconds since `zero`).
    final class Log: Sendable {
        let lines = Mutex<[String]>([])
        func add(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// A sync that takes `duration` seconds of clock time.
    static func sync(_ clock: ManualClock, _ log: Log, duration: TimeInterval) -> @Sendable (String, Date) async -> Void {
        { name, due in
            let start = clock.now
            log.add("\(name) start@\(Int(start.timeIntervalSince(zero))) due@\(Int(due.timeIntervalSince(zero)))")
            do {
                try await clock.sleep(until: start.addingTimeInterval(duration))
                log.add("\(name) end@\(Int(clock.now.timeIntervalSince(zero)))")
            } catch {
                log.add("\(name) cancelled@\(Int(clock.now.timeIntervalSince(zero)))")
            }
        }
    }

    /// Waits until the log has `count` lines and `sleepers` tasks sleep on the clock.
    static func settle(_ clock: ManualClock, _ log: Log, lines count: Int, sleepers: Int,
                       sourceLocation: SourceLocation = #_sourceLocation) async {
        let settled = await eventually(timeout: 30) { log.all.count == count && clock.sleepers == sleepers }
        #expect(settled, "log \(log.all), sleepers \(clock.sleepers)", sourceLocation: sourceLocation)
    }

    @Test func startsEachInstanceOnScheduleWithinItsSlots() async throws {
        let clock = ManualClock(Self.zero)
        let log = Log()
        let runner = ScheduleRunner(schedules: ["a": try Schedule("every 60s"), "b": try Schedule("every 60s")],
                                    maxConcurrent: 1, clock: clock)
        let task = Task { await runner.run(Self.sync(clock, log, duration: 10)) }

        // One slot: a runs, b waits; no timer while the slot is taken.
        await Self.settle(clock, log, lines: 1, sleepers: 1)
        #expect(runner.plan.running == ["a"])
        clock.advance(to: Self.zero.addingTimeInterval(10))
        // a ended, b (due at 0) starts late.
        await Self.settle(clock, log, lines: 3, sleepers: 1)
        clock.advance(to: Self.zero.addingTimeInterval(20))
        // Both idle: the runner sleeps until a is due at 60.
        await Self.settle(clock, log, lines: 4, sleepers: 1)
        #expect(clock.deadlines == [Self.zero.addingTimeInterval(60)])
        #expect(runner.plan.nextRun(of: "b") == Self.zero.addingTimeInterval(70))
        clock.advance(to: Self.zero.addingTimeInterval(60))
        await Self.settle(clock, log, lines: 5, sleepers: 1)
        clock.advance(to: Self.zero.addingTimeInterval(70))
        await Self.settle(clock, log, lines: 7, sleepers: 1)
        // A suspended machine: five hours later each instance runs once.
        clock.advance(to: Self.zero.addingTimeInterval(5 * 3600))
        await Self.settle(clock, log, lines: 9, sleepers: 1)
        clock.advance(to: Self.zero.addingTimeInterval(5 * 3600 + 10))
        await Self.settle(clock, log, lines: 11, sleepers: 1)
        clock.advance(to: Self.zero.addingTimeInterval(5 * 3600 + 20))
        await Self.settle(clock, log, lines: 12, sleepers: 1)
        #expect(clock.deadlines == [Self.zero.addingTimeInterval(5 * 3600 + 60)])

        #expect(log.all == [
            "a start@0 due@0", "a end@10", "b start@10 due@0", "b end@20",
            "a start@60 due@60", "a end@70", "b start@70 due@70",
            "b end@18000", "a start@18000 due@120",
            "a end@18010", "b start@18010 due@130", "b end@18020",
        ])
        task.cancel()
        await task.value
    }

    @Test func aReloadStartsNewInstancesAndDropsRemovedOnes() async throws {
        let clock = ManualClock(Self.zero)
        let log = Log()
        let runner = ScheduleRunner(schedules: ["a": try Schedule("every 1h")], maxConcurrent: 4, clock: clock)
        let task = Task { await runner.run(Self.sync(clock, log, duration: 10)) }
        // a runs; with nothing else scheduled there is no timer.
        await Self.settle(clock, log, lines: 1, sleepers: 1)
        runner.reschedule(["b": try Schedule("*/5 * * * *")])
        // b starts at once; a runs on but is no longer scheduled, so no timer is needed.
        await Self.settle(clock, log, lines: 2, sleepers: 2)
        clock.advance(to: Self.zero.addingTimeInterval(10))
        await Self.settle(clock, log, lines: 4, sleepers: 1)
        #expect(runner.plan.nextRun(of: "a") == nil)
        #expect(clock.deadlines == [Self.zero.addingTimeInterval(300)])
        clock.advance(to: Self.zero.addingTimeInterval(300))
        await Self.settle(clock, log, lines: 5, sleepers: 1)
        #expect(log.all.prefix(2) == ["a start@0 due@0", "b start@0 due@0"])
        #expect(Set(log.all[2..<4]) == ["a end@10", "b end@10"])
        #expect(log.all.last == "b start@300 due@300")
        task.cancel()
        await task.value
    }

    /// Cancelling the runner cancels the running syncs and returns once they have ended.
    @Test func cancellingStopsSchedulingAndTheRunningSyncs() async throws {
        let clock = ManualClock(Self.zero)
        let log = Log()
        let runner = ScheduleRunner(schedules: ["a": try Schedule("every 1m"), "b": try Schedule("every 1m"),
                                                "c": try Schedule("every 1m")], maxConcurrent: 2, clock: clock)
        let task = Task { await runner.run(Self.sync(clock, log, duration: 600)) }
        await Self.settle(clock, log, lines: 2, sleepers: 2)
        task.cancel()
        await task.value
        #expect(Set(log.all) == ["a start@0 due@0", "b start@0 due@0", "a cancelled@0", "b cancelled@0"])
        #expect(clock.sleepers == 0)
    }

    /// On the real clock: `every 1s` is due a second after each start, and never starts
    /// before it is due.
    @Test func runsOnTheWallClock() async throws {
        let dues = Mutex<[Date]>([])
        let runner = ScheduleRunner(schedules: ["a": try Schedule("every 1s")], maxConcurrent: 1)
        let task = Task {
            await runner.run { _, due in
                dues.withLock { $0.append(due) }
                #expect(Date() >= due)
            }
        }
        #expect(await eventually(timeout: 30) { dues.withLock { $0.count } >= 3 })
        task.cancel()
        await task.value
        let times = dues.withLock { $0 }
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later.timeIntervalSince(earlier) >= 1)
        }
    }
}
