import Foundation

/// Durations as options take them and messages show them: a number and a unit, `90s`,
/// `30m`, `24h`, `2d`.
public enum DurationText {
    /// Seconds per unit letter.
    static let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    /// The longest duration accepted: a year.
    public static let maximum: TimeInterval = 365 * 86_400

    /// The seconds of `text`, or a usage error naming `option` and what is expected.
    public static func parse(_ text: String, option: String) throws -> TimeInterval {
        let expected = "\(option) needs a duration: a number and s, m, h or d (30m, 24h, 2d), not '\(text)'"
        guard let unit = text.last, let scale = units[unit],
              text.dropLast().allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let number = Double(text.dropLast()), number.isFinite else {
            throw HostError.usage(expected)
        }
        let seconds = number * scale
        guard seconds > 0 else { throw HostError.usage("\(option) must be longer than 0, not '\(text)'") }
        guard seconds <= maximum else { throw HostError.usage("\(option) can be at most 365d, not '\(text)'") }
        return seconds
    }

    /// `seconds` in the largest unit that keeps it two digits or more: `45s`, `90m`, `26h`, `3d`.
    public static func describe(_ seconds: TimeInterval) -> String {
        let value = max(0, seconds)
        if value < 120 { return "\(Int(value))s" }
        if value < 120 * 60 { return "\(Int(value / 60))m" }
        if value < 48 * 3600 { return "\(Int(value / 3600))h" }
        return "\(Int(value / 86_400))d"
    }
}
