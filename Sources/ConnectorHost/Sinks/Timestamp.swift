import Foundation

/// Time stamps as the snapshot formats write them.
public enum Timestamp {
    /// `2026-11-25T16:20:00Z`.
    public static func iso8601(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// `20261125T162000Z`, for default file names.
    public static func compact(_ date: Date) -> String {
        iso8601(date).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }
}
