import ConnectorHost
import Foundation
import Testing

/// `Schedule`: intervals and cron expressions with known next fire times, and invalid
/// texts with their exact messages.
@Suite struct ScheduleTests {
    /// A UTC time written as `2026-12-01T08:15:30Z`.
    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        guard let date = formatter.date(from: text) else { fatalError("bad test date \(text)") }
        return date
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// (expression, after, next fire time). 2026-12-01 is a Tuesday.
    static let fireTimes: [(String, String, String)] = [
        ("* * * * *", "2026-12-01T08:15:30Z", "2026-12-01T08:16:00Z"),
        ("* * * * *", "2026-12-01T08:16:00Z", "2026-12-01T08:17:00Z"),     // strictly after
        ("0 */4 * * *", "2026-12-01T08:15:30Z", "2026-12-01T12:00:00Z"),
        ("0 */4 * * *", "2026-12-01T23:59:59Z", "2026-12-02T00:00:00Z"),
        ("*/15 * * * *", "2026-12-01T08:15:30Z", "2026-12-01T08:30:00Z"),
        ("15,45 * * * *", "2026-12-01T08:15:30Z", "2026-12-01T08:45:00Z"),
        ("0 8-18/2 * * *", "2026-12-01T08:15:30Z", "2026-12-01T10:00:00Z"),
        ("0 8-18/2 * * *", "2026-12-01T18:00:00Z", "2026-12-02T08:00:00Z"),
        ("1-5/2 * * * *", "2026-12-01T08:03:00Z", "2026-12-01T08:05:00Z"),
        ("30 9 * * mon-fri", "2026-12-01T08:15:30Z", "2026-12-01T09:30:00Z"),
        ("30 9 * * MON-FRI", "2026-12-04T09:30:00Z", "2026-12-07T09:30:00Z"),  // Friday → Monday
        ("0 0 * * 0", "2026-12-01T08:15:30Z", "2026-12-06T00:00:00Z"),
        ("0 0 * * 7", "2026-12-01T08:15:30Z", "2026-12-06T00:00:00Z"),          // 7 is Sunday too
        ("0 0 * * sun", "2026-12-01T08:15:30Z", "2026-12-06T00:00:00Z"),
        ("0 22 * * 1-5", "2026-12-04T22:00:00Z", "2026-12-07T22:00:00Z"),
        ("0 0 1 1 *", "2026-12-01T08:15:30Z", "2027-01-01T00:00:00Z"),
        ("0 0 * jan,jul *", "2026-12-01T08:15:30Z", "2027-01-01T00:00:00Z"),
        ("0 0 1 jun-aug *", "2026-12-01T08:15:30Z", "2027-06-01T00:00:00Z"),
        ("59 23 31 12 *", "2026-12-01T08:15:30Z", "2026-12-31T23:59:00Z"),
        ("0 0 31 * *", "2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z"),
        ("0 0 31 * *", "2027-01-31T00:00:00Z", "2027-03-31T00:00:00Z"),        // February has no 31st
        ("0 0 29 2 *", "2026-12-01T08:15:30Z", "2028-02-29T00:00:00Z"),
        ("0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"),        // 2100 is no leap year
        ("0 0 */2 * *", "2026-12-01T08:15:30Z", "2026-12-03T00:00:00Z"),        // day field starts with *: odd days
        // Both day fields restricted: either one fires.
        ("0 12 13 * fri", "2026-12-01T08:15:30Z", "2026-12-04T12:00:00Z"),
        ("0 12 13 * fri", "2026-12-11T12:00:00Z", "2026-12-13T12:00:00Z"),
        ("0 0 1 * mon", "2026-12-01T08:15:30Z", "2026-12-07T00:00:00Z"),
        ("0 0 1-7 * mon", "2026-12-01T08:15:30Z", "2026-12-02T00:00:00Z"),
        // One day field is "*": both must hold.
        ("0 0 * 2 mon", "2026-12-01T08:15:30Z", "2027-02-01T00:00:00Z"),
        ("0 0 1-7 * *", "2026-12-07T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("5 4 * * sun", "2026-12-06T04:05:00Z", "2026-12-13T04:05:00Z"),
        ("0 0 1 1 *", "1969-06-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("  0   */4 * *  * ", "2026-12-01T08:15:30Z", "2026-12-01T12:00:00Z"),  // extra spaces
    ]

    @Test func cronExpressionsFireAtTheKnownTimes() throws {
        for (expression, after, expected) in Self.fireTimes {
            let next = try Schedule(expression).next(after: Self.utc(after))
            #expect(Self.iso(next) == expected, "\(expression) after \(after)")
        }
    }

    @Test func intervalsCountFromTheGivenTime() throws {
        let start = Self.utc("2026-12-01T08:15:30Z")
        for (text, seconds) in [("every 1s", 1.0), ("every 90s", 90), ("every 5m", 300), ("every 6h", 21_600),
                                ("every 1d", 86_400), ("EVERY  2h", 7200), ("every 366d", 366 * 86_400)] {
            #expect(try Schedule(text).next(after: start) == start.addingTimeInterval(seconds), "\(text)")
        }
        #expect(try Schedule(" every  6h ").description == "every 6h")
        #expect(try Schedule("0  */4 * * *").description == "0 */4 * * *")
    }

    /// Walking through a year fires on whole minutes, always later, exactly as often as a
    /// day-by-day count (done with Python's datetime) says: with `*/3` the day fields must
    /// both match, with `1-31/3` (the same days, not starting with `*`) either one.
    @Test func walkingAYearFiresTheCountedNumberOfTimes() throws {
        for (expression, expected) in [("17 3,15 */3 * mon,thu", 68), ("17 3,15 1-31/3 * mon,thu", 396)] {
            let schedule = try Schedule(expression)
            let end = Self.utc("2027-01-01T00:00:00Z")
            var time = Self.utc("2026-01-01T00:00:00Z")
            var fires = 0
            while true {
                let next = schedule.next(after: time)
                #expect(next > time)
                #expect(next.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0)
                guard next < end else { break }
                time = next
                fires += 1
            }
            #expect(fires == expected, "\(expression)")
        }
    }

    /// `0 0 D M *` checked against Foundation's calendar for many days and years.
    @Test func dayAndMonthAgreeWithFoundationsCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let afters = stride(from: -2_000_000_000.0, to: 7_000_000_000, by: 97_654_321).map(Date.init(timeIntervalSince1970:))
        for (day, month) in [(1, 1), (29, 2), (28, 2), (31, 12), (30, 4), (15, 7)] {
            let schedule = try Schedule("0 0 \(day) \(month) *")
            for after in afters {
                let expected = calendar.nextDate(after: after, matching: DateComponents(month: month, day: day, hour: 0, minute: 0),
                                                 matchingPolicy: .strict)
                #expect(schedule.next(after: after) == expected, "\(day)/\(month) after \(after)")
            }
        }
    }

    static let invalid: [(String, String)] = [
        ("", "expected \"every <n><s|m|h|d>\" or 5 cron fields (minute hour day-of-month month day-of-week), got nothing"),
        ("0 */4 * *", "expected \"every <n><s|m|h|d>\" or 5 cron fields (minute hour day-of-month month day-of-week), got 4 fields"),
        ("* * * * * *", "expected \"every <n><s|m|h|d>\" or 5 cron fields (minute hour day-of-month month day-of-week), got 6 fields"),
        ("@daily", "expected \"every <n><s|m|h|d>\" or 5 cron fields (minute hour day-of-month month day-of-week), got 1 field"),
        ("61 * * * *", "minute field \"61\": expected a number 0-59, got \"61\""),
        ("0 24 * * *", "hour field \"24\": expected a number 0-23, got \"24\""),
        ("0 0 0 * *", "day-of-month field \"0\": expected a number 1-31, got \"0\""),
        ("0 0 * 13 *", "month field \"13\": expected a number 1-12 or a name jan-dec, got \"13\""),
        ("0 0 * * 8", "day-of-week field \"8\": expected a number 0-7 or a name sun-sat, got \"8\""),
        ("0 0 * * funday", "day-of-week field \"funday\": expected a number 0-7 or a name sun-sat, got \"funday\""),
        ("0 0 * * mon-funday", "day-of-week field \"mon-funday\": expected a number 0-7 or a name sun-sat, got \"funday\""),
        ("*/0 * * * *", "minute field \"*/0\": expected a step 1-60 after \"/\", got \"0\""),
        ("*/x * * * *", "minute field \"*/x\": expected a step 1-60 after \"/\", got \"x\""),
        ("0 */25 * * *", "hour field \"*/25\": expected a step 1-24 after \"/\", got \"25\""),
        ("0 5-2 * * *", "hour field \"5-2\": expected a range low-high with low ≤ high, got \"5-2\""),
        ("5/2 * * * *", "minute field \"5/2\": expected \"*\" or a range before \"/\", got \"5\""),
        ("1,,2 * * * *", "minute field \"1,,2\": expected a number 0-59, got \"\""),
        ("-5 * * * *", "minute field \"-5\": expected a number 0-59, got \"\""),
        ("007 * * * *", "minute field \"007\": expected a number 0-59, got \"007\""),
        ("0 0 30 2 *", "day-of-month field \"30\": expected a day that the months of month field \"2\" have (1-29)"),
        ("0 0 31 4,6,9,11 *", "day-of-month field \"31\": expected a day that the months of month field \"4,6,9,11\" have (1-30)"),
        ("every", "every: expected <n><s|m|h|d> with a whole number n ≥ 1, e.g. \"every 6h\", got \"\""),
        ("every 6", "every: expected <n><s|m|h|d> with a whole number n ≥ 1, e.g. \"every 6h\", got \"6\""),
        ("every 6w", "every: expected <n><s|m|h|d> with a whole number n ≥ 1, e.g. \"every 6h\", got \"6w\""),
        ("every 0s", "every: expected <n><s|m|h|d> with a whole number n ≥ 1, e.g. \"every 6h\", got \"0s\""),
        ("every -1h", "every: expected <n><s|m|h|d> with a whole number n ≥ 1, e.g. \"every 6h\", got \"-1h\""),
        ("every 1.5h", "every: expected <n><s|m|h|d> with a whole number n ≥ 1, e.g. \"every 6h\", got \"1.5h\""),
        ("every 6 h", "every: expected <n><s|m|h|d> with a whole number n ≥ 1, e.g. \"every 6h\", got \"6 h\""),
        ("every 367d", "every: expected at most 366d, got \"367d\""),
        ("every 99999999999999999999s", "every: expected at most 366d, got \"99999999999999999999s\""),
    ]

    @Test func invalidTextsGetOneExactLine() {
        for (text, message) in Self.invalid {
            #expect(throws: HostError.usage(message), "\(text)") { try Schedule(text) }
        }
    }
}
