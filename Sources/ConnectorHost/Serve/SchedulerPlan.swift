import Foundation

/// Decides which scheduled instances start when: a pure plan that the serve loop asks
/// with the current time, so it behaves the same in real and in virtual time.
///
/// Every instance is due once when the plan is made; after a run starts, the instance is
/// due again at its schedule's next fire time after that start. A due instance whose
/// previous run still goes waits for it, and however much time passed meanwhile (a long
/// sync, a suspended machine) it then runs once, not once per missed fire time. At most
/// `maxConcurrent` runs go at once; the longest-waiting instance starts first, ties by name.
public struct SchedulerPlan: Sendable {
    private struct Slot: Sendable {
        var schedule: Schedule
        var due: Date
        var lastStart: Date?
    }

    private var slots: [String: Slot]
    /// Instances started and not yet finished, including ones a reload removed.
    public private(set) var running: Set<String> = []
    /// How many runs may go at once (at least 1).
    public let maxConcurrent: Int

    /// A plan for `schedules` (instance name → schedule) in which every instance is due at `now`.
    public init(schedules: [String: Schedule], maxConcurrent: Int, now: Date) {
        self.maxConcurrent = max(1, maxConcurrent)
        slots = schedules.mapValues { Slot(schedule: $0, due: now, lastStart: nil) }
    }

    /// The instances to start at `now`, in start order; each counts as running until
    /// ``finished(_:)``.
    public mutating func start(at now: Date) -> [String] {
        let free = maxConcurrent - running.count
        guard free > 0 else { return [] }
        let due = slots.filter { !running.contains($0.key) && $0.value.due <= now }
            .sorted { $0.value.due != $1.value.due ? $0.value.due < $1.value.due : $0.key < $1.key }
            .prefix(free).map(\.key)
        for name in due {
            running.insert(name)
            guard var slot = slots[name] else { continue }
            slot.lastStart = now
            slot.due = slot.schedule.next(after: now)
            slots[name] = slot
        }
        return due
    }

    /// Records that the run of `name` ended (whatever its outcome).
    public mutating func finished(_ name: String) {
        running.remove(name)
    }

    /// When `name` is next due; earlier than now when it waits for a free slot or its own
    /// previous run. `nil` for an unknown instance.
    public func nextRun(of name: String) -> Date? {
        slots[name]?.due
    }

    /// The earliest time an instance that is not running becomes due; the loop sleeps until
    /// then or until a run finishes, whichever comes first. `nil` while every slot is taken
    /// (only a finishing run can start another) or every instance runs.
    public var nextWake: Date? {
        guard running.count < maxConcurrent else { return nil }
        return slots.filter { !running.contains($0.key) }.map(\.value.due).min()
    }

    /// Takes a new set of schedules (a reloaded configuration) at `now`: new instances are
    /// due at once, removed ones are dropped (a running one still counts until it finishes),
    /// and a changed schedule counts from the instance's last start.
    public mutating func reschedule(_ schedules: [String: Schedule], now: Date) {
        var updated: [String: Slot] = [:]
        for (name, schedule) in schedules {
            guard var slot = slots[name] else {
                updated[name] = Slot(schedule: schedule, due: now, lastStart: nil)
                continue
            }
            if slot.schedule != schedule {
                slot.schedule = schedule
                slot.due = slot.lastStart.map(schedule.next(after:)) ?? now
            }
            updated[name] = slot
        }
        slots = updated
    }
}
