import Foundation

/// At most `requests` requests in any window of `per` seconds, e.g. Aha!'s 20/s and 300/min.
public struct RateLimit: Hashable, Sendable, CustomStringConvertible {
    /// Requests allowed per window.
    public var requests: Int
    /// Window length in seconds.
    public var per: TimeInterval

    /// Creates a limit.
    public init(_ requests: Int, per: TimeInterval) {
        self.requests = max(1, requests)
        self.per = per
    }

    /// `n` requests per second.
    public static func perSecond(_ n: Int) -> RateLimit { RateLimit(n, per: 1) }
    /// `n` requests per minute.
    public static func perMinute(_ n: Int) -> RateLimit { RateLimit(n, per: 60) }

    /// Parses `20/s`, `300/min`, `5/m` or a bare number (per second).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let count = Int(parts[0]), count > 0 else { return nil }
        let unit = parts.count > 1 ? parts[1].lowercased() : "s"
        switch unit {
        case "s", "sec", "second": self.init(count, per: 1)
        case "m", "min", "minute": self.init(count, per: 60)
        default: return nil
        }
    }

    public var description: String {
        per == 1 ? "\(requests)/s" : per == 60 ? "\(requests)/min" : "\(requests) per \(per)s"
    }
}
