import Foundation

/// The value of `connhost changes --since`: a span back from now (`90s`, `30m`, `24h`,
/// `7d`) or a UTC time (`2026-12-01T08:00:00Z`, or a date `2026-12-01` for its midnight).
public enum SinceArgument {
    /// The longest span accepted: ten years, far beyond any history kept.
    static let maxSeconds = 3650 * 86_400

    /// The time `text` stands for, counted back from `now` for a span; throws
    /// ``HostError/usage(_:)`` with one line otherwise.
    public static func parse(_ text: String, now: Date) throws -> Date {
        let expected = "--since: expected a span like 24h (s, m, h or d) or a UTC time like 2026-12-01T08:00:00Z, got \"\(text)\""
        if let unit = text.last, let multiplier = ["s": 1, "m": 60, "h": 3600, "d": 86_400][unit] {
            let digits = text.dropLast()
            guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits) else {
                throw HostError.usage(expected)
            }
            guard count * multiplier <= maxSeconds else { throw HostError.usage("--since: at most 3650d back, got \"\(text)\"") }
            return now.addingTimeInterval(-TimeInterval(count * multiplier))
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = text.count == 10 ? [.withFullDate] : [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { throw HostError.usage(expected) }
        return date
    }
}
