import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Timestamps as Baton's SQLite driver stores them: TEXT `YYYY-MM-DD HH:MM:SS.ffffff`,
/// local time, no zone.
///
/// Baton compares `started_at`/`ended_at` as text to find the latest sync, so every
/// writer must use the one layout; readers also accept what Go's SQLite driver parses
/// (a `T` separator, fewer or more fraction digits, `Z` or a `±HH:MM` offset).
public enum BatonTime {
    /// `date` in the layout, local time, microseconds.
    public static func text(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var micros = Int(((interval - Double(seconds)) * 1_000_000).rounded(.down))
        if micros >= 1_000_000 { seconds += 1; micros -= 1_000_000 }
        return prefix(seconds) + "." + pad(micros, 6)
    }

    /// `YYYY-MM-DD HH:MM:SS` for Unix time `seconds`, local time.
    static func prefix(_ seconds: time_t) -> String {
        var clock = seconds
        var parts = tm()
        localtime_r(&clock, &parts)
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2)) "
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Parses a stored timestamp; `nil` when it is not one.
    public static func date(_ text: String) -> Date? {
        var bytes = Array(text.utf8)
        var utc = false
        if bytes.last == UInt8(ascii: "Z") { bytes.removeLast(); utc = true }
        var index = 0
        func number(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }
        func skip(_ allowed: String) -> Bool {
            guard index < bytes.count, allowed.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2),
              skip(" T"), let hour = number(2), skip(":"), let minute = number(2), skip(":"), let second = number(2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if skip(".") {
            // Digits as one integer over a power of ten: exact for the usual six digits.
            var digits = 0, scale = 1.0
            let start = index
            while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                if index - start < 9 {
                    digits = digits * 10 + Int(bytes[index] - 0x30)
                    scale *= 10
                }
                index += 1
            }
            guard index > start else { return nil }
            fraction = Double(digits) / scale
        }
        var offset: Int?
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), skip(":"), let minutes = number(2) else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        parts.tm_isdst = -1
        let seconds: time_t
        if utc || offset != nil {
            seconds = timegm(&parts) - time_t(offset ?? 0)
        } else {
            seconds = mktime(&parts)
        }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
