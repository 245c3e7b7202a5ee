import Foundation

/// When an instance syncs: `every <n><s|m|h|d>` or a 5-field cron expression in UTC.
///
/// An interval counts from the start of the previous run (`next(after:)` adds it); a cron
/// expression fires at the minutes it names (see ``CronExpression`` for the rules).
/// Parsing an invalid text throws ``HostError/usage(_:)`` with one line that names the
/// field and what was expected; the caller adds where the text came from.
public struct Schedule: Hashable, Sendable, CustomStringConvertible {
    private enum Rule: Hashable, Sendable {
        case interval(seconds: Int)
        case cron(CronExpression)
    }

    private let rule: Rule
    /// The text the schedule was parsed from, spaces normalised.
    public let description: String

    /// The longest interval `every` accepts: a sync less often than yearly is a mistake.
    static let maxIntervalSeconds = 366 * 86_400

    /// Parses `every <n><s|m|h|d>` (e.g. `every 6h`, `every 90s`) or a cron expression
    /// (e.g. `0 */4 * * *`).
    public init(_ text: String) throws {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        description = words.joined(separator: " ")
        if words.first?.lowercased() == "every" {
            rule = .interval(seconds: try Self.interval(words.dropFirst().joined(separator: " ")))
        } else {
            rule = .cron(try CronExpression(fields: words))
        }
    }

    /// The first time strictly after `date` at which the schedule fires.
    ///
    /// For an interval, `date` plus the interval; for cron, the first whole UTC minute
    /// after `date` that the expression names.
    public func next(after date: Date) -> Date {
        switch rule {
        case .interval(let seconds): return date.addingTimeInterval(TimeInterval(seconds))
        case .cron(let expression): return expression.next(after: date)
        }
    }

    /// Parses what follows `every`: a whole number ≥ 1 and one unit letter.
    private static func interval(_ text: String) throws -> Int {
        let expected = "every: expected <n><s|m|h|d> with a whole number n ≥ 1, e.g. \"every 6h\", got \"\(text)\""
        let digits = text.dropLast()
        guard let unit = text.last, let multiplier = ["s": 1, "m": 60, "h": 3600, "d": 86_400][unit],
              !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw HostError.usage(expected)
        }
        guard let count = Int(digits) else { throw HostError.usage("every: expected at most 366d, got \"\(text)\"") }
        guard count >= 1 else {
            throw HostError.usage(expected)
        }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: multiplier)
        guard !overflow, seconds <= maxIntervalSeconds else {
            throw HostError.usage("every: expected at most 366d, got \"\(text)\"")
        }
        return seconds
    }
}
