import Foundation

/// A 5-field cron expression in UTC: minute, hour, day of month, month, day of week.
///
/// Each field is `*`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a comma list of
/// those; months take `jan`…`dec` and days of week `sun`…`sat` (0 and 7 are both Sunday).
/// Vixie cron's rule for the two day fields holds: when both are restricted (neither starts
/// with `*`) a day matching either fires; otherwise a day must match both.
struct CronExpression: Hashable, Sendable {
    /// One field's allowed values as bits (bit `v` set when value `v` is allowed).
    private var minutes: UInt64 = 0
    private var hours: UInt64 = 0
    private var daysOfMonth: UInt64 = 0
    private var months: UInt64 = 0
    private var daysOfWeek: UInt64 = 0
    /// Whether the day fields start with `*`, which decides how they combine.
    private var dayOfMonthIsStar = false
    private var dayOfWeekIsStar = false

    /// What each field accepts, in order.
    private struct FieldSpec {
        var name: String
        var range: ClosedRange<Int>
        var names: [String] = []
        /// The value `names[0]` stands for.
        var firstNameValue = 0

        var expectation: String {
            let numbers = "a number \(range.lowerBound)-\(range.upperBound)"
            guard let first = names.first, let last = names.last else { return numbers }
            return numbers + " or a name \(first)-\(last)"
        }
    }

    private static let specs = [
        FieldSpec(name: "minute", range: 0...59),
        FieldSpec(name: "hour", range: 0...23),
        FieldSpec(name: "day-of-month", range: 1...31),
        FieldSpec(name: "month", range: 1...12,
                  names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], firstNameValue: 1),
        FieldSpec(name: "day-of-week", range: 0...7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ]

    /// Parses the five fields; throws ``HostError/usage(_:)`` naming the bad field.
    init(fields: [String]) throws {
        guard fields.count == 5 else {
            let got = fields.isEmpty ? "nothing" : "\(fields.count) field\(fields.count == 1 ? "" : "s")"
            throw HostError.usage("expected \"every <n><s|m|h|d>\" or 5 cron fields (minute hour day-of-month month day-of-week), got \(got)")
        }
        let bits = try zip(Self.specs, fields).map { try Self.parse($1, as: $0) }
        minutes = bits[0]
        hours = bits[1]
        daysOfMonth = bits[2]
        months = bits[3]
        // Sunday is both 0 and 7.
        daysOfWeek = bits[4] & 0x7F | (bits[4] >> 7 & 1)
        dayOfMonthIsStar = fields[2].hasPrefix("*")
        dayOfWeekIsStar = fields[4].hasPrefix("*")
        if !dayOfWeekIsStar || dayOfMonthIsStar { return }
        // Only the day of month decides: some chosen day must exist in some chosen month.
        let chosenMonths = (1...12).filter { months >> UInt64($0) & 1 == 1 }
        let longest: Int = chosenMonths.map { Self.daysIn(month: $0, leap: true) }.max() ?? 0
        let existing: UInt64 = (1 << UInt64(longest + 1)) - 2
        guard daysOfMonth & existing != 0 else {
            throw HostError.usage("day-of-month field \"\(fields[2])\": expected a day that the months of month field \"\(fields[3])\" have (1-\(longest))")
        }
    }

    /// The first whole UTC minute strictly after `date` that the expression names.
    func next(after date: Date) -> Date {
        var minute = Int((date.timeIntervalSince1970 / 60).rounded(.down)) + 1
        // Every valid expression fires within 8 years (29 February skips 2100); the bound
        // only keeps a bug from looping forever.
        for _ in 0..<(9 * 366) {
            let day = Self.floorDivide(minute, 1440)
            let (_, month, dayOfMonth) = Self.civilDate(daysSinceEpoch: day)
            let weekday = ((day % 7) + 11) % 7  // 1970-01-01 was a Thursday (4)
            if has(months, month) && matchesDay(dayOfMonth, weekday) {
                let minuteOfDay = minute - day * 1440
                for hour in (minuteOfDay / 60)..<24 where has(hours, hour) {
                    let first = hour == minuteOfDay / 60 ? minuteOfDay % 60 : 0
                    if let m = (first..<60).first(where: { has(minutes, $0) }) {
                        return Date(timeIntervalSince1970: TimeInterval((day * 1440 + hour * 60 + m) * 60))
                    }
                }
            }
            minute = (day + 1) * 1440
        }
        return .distantFuture
    }

    private func matchesDay(_ dayOfMonth: Int, _ weekday: Int) -> Bool {
        if dayOfMonthIsStar || dayOfWeekIsStar {
            return has(daysOfMonth, dayOfMonth) && has(daysOfWeek, weekday)
        }
        return has(daysOfMonth, dayOfMonth) || has(daysOfWeek, weekday)
    }

    private func has(_ bits: UInt64, _ value: Int) -> Bool { bits >> value & 1 == 1 }

    // MARK: - Parsing

    /// The bits of one field: a comma list of `*`, values, ranges and steps.
    private static func parse(_ field: String, as spec: FieldSpec) throws -> UInt64 {
        func fail(_ what: String, _ got: Substring) -> HostError {
            .usage("\(spec.name) field \"\(field)\": expected \(what), got \"\(got)\"")
        }
        var bits: UInt64 = 0
        for item in field.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let base = parts[0]
            var range: ClosedRange<Int>
            if base == "*" {
                range = spec.range
            } else if let dash = base.firstIndex(of: "-") {
                let low = try value(base[..<dash], spec, fail)
                let high = try value(base[base.index(after: dash)...], spec, fail)
                guard low <= high else { throw fail("a range low-high with low ≤ high", base) }
                range = low...high
            } else {
                let single = try value(base, spec, fail)
                if parts.count == 2 { throw fail("\"*\" or a range before \"/\"", base) }
                range = single...single
            }
            var step = 1
            if parts.count == 2 {
                let span = spec.range.count
                guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(parts[1]), (1...span).contains(n) else {
                    throw fail("a step 1-\(span) after \"/\"", parts[1])
                }
                step = n
            }
            for v in stride(from: range.lowerBound, through: range.upperBound, by: step) { bits |= 1 << v }
        }
        return bits
    }

    /// One number or name of a field, within its range.
    private static func value(_ text: Substring, _ spec: FieldSpec,
                              _ fail: (String, Substring) -> HostError) throws -> Int {
        if let index = spec.names.firstIndex(of: text.lowercased()) { return spec.firstNameValue + index }
        guard !text.isEmpty, text.count <= 2, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let number = Int(text), spec.range.contains(number) else {
            throw fail(spec.expectation, text)
        }
        return number
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, UTC)

    static func daysIn(month: Int, leap: Bool) -> Int {
        switch month {
        case 2: return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// Year, month and day of the day `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
