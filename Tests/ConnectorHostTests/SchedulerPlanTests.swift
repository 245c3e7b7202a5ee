import ConnectorHost
import Foundation
import Testing

/// `SchedulerPlan` driven in virtual time: a simulated serve loop whose clock jumps to the
/// next wake-up or run end, with sync durations chosen per instance.
@Suite struct SchedulerPlanTests {
    /// One started run in the simulation.
    struct Run: Equatable, CustomStringConvertible {
        var name: String
        var start: Double
        var end: Double
        var description: String { "\(name)@\(start)-\(end)" }
    }

    /// Runs the loop the serve command will run, in virtual time from 0 to `until` seconds:
    /// start what is due, then jump to the next wake-up or run end.
    static func simulate(_ schedules: [String: String], maxConcurrent: Int, until: Double,
                         duration: (String, Int) -> Double) throws -> [Run] {
        let zero = Date(timeIntervalSince1970: 1_800_000_000)
        var plan = SchedulerPlan(schedules: try schedules.mapValues(Schedule.init), maxConcurrent: maxConcurrent, now: zero)
        var now = 0.0
        var runs: [Run] = []
        var ending: [Run] = []
        var counts: [String: Int] = [:]
        for _ in 0..<100_000 {
            for run in ending where run.end <= now { plan.finished(run.name) }
            ending.removeAll { $0.end <= now }
            for name in plan.start(at: zero.addingTimeInterval(now)) {
                let run = Run(name: name, start: now, end: now + duration(name, counts[name, default: 0]))
                counts[name, default: 0] += 1
                runs.append(run)
                ending.append(run)
            }
            let wake = plan.nextWake.map { $0.timeIntervalSince(zero) }
            let next = ([wake].compactMap { $0 } + ending.map(\.end)).min() ?? .infinity
            guard next <= until else { return runs }
            now = max(now, next)
        }
        Issue.record("the simulation did not reach \(until)")
        return runs
    }

    @Test func everyInstanceRunsOnceAtStartThenOnSchedule() throws {
        let runs = try Self.simulate(["a": "every 60s", "b": "every 90s"], maxConcurrent: 4, until: 300) { _, _ in 5 }
        #expect(runs.filter { $0.name == "a" }.map(\.start) == [0, 60, 120, 180, 240, 300])
        #expect(runs.filter { $0.name == "b" }.map(\.start) == [0, 90, 180, 270])
    }

    @Test func cronRunsAtStartThenAtItsMinutes() throws {
        // 1_800_000_000 is 2027-01-15T08:00:00Z; the next quarter hour is 08:15.
        let runs = try Self.simulate(["c": "*/15 * * * *"], maxConcurrent: 1, until: 3600) { _, _ in 30 }
        #expect(runs.map(\.start) == [0, 900, 1800, 2700, 3600])
    }

    @Test func aSlowRunIsFollowedByOneCatchUpRunNotMany() throws {
        // The first run takes 10 minutes on a 1-minute schedule: one run right after it, then on schedule.
        let runs = try Self.simulate(["slow": "every 60s"], maxConcurrent: 4, until: 780) { _, n in n == 0 ? 600 : 1 }
        #expect(runs.map(\.start) == [0, 600, 660, 720, 780])
    }

    @Test func neverTwoRunsOfOneInstance() throws {
        let runs = try Self.simulate(["x": "every 1s", "y": "every 2s"], maxConcurrent: 8, until: 60) { name, n in
            name == "x" ? 3.5 : Double(n % 3)
        }
        for name in ["x", "y"] {
            let own = runs.filter { $0.name == name }
            #expect(own.count > 10)
            for (earlier, later) in zip(own, own.dropFirst()) {
                #expect(later.start >= earlier.end, "\(earlier) overlaps \(later)")
            }
        }
        // x is always overdue when it ends, so it starts again at once.
        #expect(runs.filter { $0.name == "x" }.map(\.start).prefix(4) == [0, 3.5, 7, 10.5])
    }

    @Test func atMostMaxConcurrentRunsLongestWaitingFirst() throws {
        let names = ["e", "d", "c", "b", "a"]
        let runs = try Self.simulate(Dictionary(uniqueKeysWithValues: names.map { ($0, "every 1h") }),
                                     maxConcurrent: 2, until: 100) { _, _ in 10 }
        #expect(runs.map(\.description) == ["a@0.0-10.0", "b@0.0-10.0", "c@10.0-20.0", "d@10.0-20.0", "e@20.0-30.0"])
        for time in stride(from: 0.0, through: 100, by: 0.5) {
            #expect(runs.filter { $0.start <= time && time < $0.end }.count <= 2)
        }
    }

    @Test func aLongDowntimeGivesOneCatchUpRun() throws {
        let zero = Date(timeIntervalSince1970: 1_800_000_000)
        var plan = SchedulerPlan(schedules: ["a": try Schedule("every 1m"), "b": try Schedule("0 * * * *")],
                                 maxConcurrent: 4, now: zero)
        #expect(plan.start(at: zero) == ["a", "b"])
        plan.finished("a")
        plan.finished("b")
        #expect(plan.nextWake == zero.addingTimeInterval(60))
        #expect(plan.start(at: zero.addingTimeInterval(59)) == [])
        // The machine sleeps for five hours: each instance runs once when it wakes.
        let later = zero.addingTimeInterval(5 * 3600 + 7)
        #expect(plan.start(at: later) == ["a", "b"])
        plan.finished("a")
        plan.finished("b")
        #expect(plan.start(at: later) == [])
        #expect(plan.nextRun(of: "a") == later.addingTimeInterval(60))
        #expect(plan.nextRun(of: "b") == zero.addingTimeInterval(6 * 3600))
        #expect(plan.nextRun(of: "nobody") == nil)
    }

    @Test func aReloadAddsDropsAndReschedules() throws {
        let zero = Date(timeIntervalSince1970: 1_800_000_000)
        var plan = SchedulerPlan(schedules: ["keep": try Schedule("every 1h"), "change": try Schedule("every 1h"),
                                             "drop": try Schedule("every 1h")], maxConcurrent: 3, now: zero)
        #expect(plan.start(at: zero) == ["change", "drop", "keep"])
        plan.finished("keep")
        plan.finished("change")
        let now = zero.addingTimeInterval(600)
        plan.reschedule(["keep": try Schedule("every 1h"), "change": try Schedule("every 5m"), "new": try Schedule("every 1h")],
                        now: now)
        // "drop" still runs: it holds a slot until it ends, so only two of the three start.
        #expect(plan.running == ["drop"])
        #expect(plan.nextRun(of: "change") == zero.addingTimeInterval(300))
        #expect(plan.nextRun(of: "keep") == zero.addingTimeInterval(3600))
        #expect(plan.start(at: now) == ["change", "new"])
        plan.finished("drop")
        #expect(plan.nextRun(of: "drop") == nil)
        plan.finished("change")
        plan.finished("new")
        #expect(plan.start(at: now) == [])
        #expect(plan.nextWake == now.addingTimeInterval(300))
    }
}
