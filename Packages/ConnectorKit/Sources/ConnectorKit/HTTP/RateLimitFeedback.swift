import Foundation

/// What an answer's rate-limit headers say about the requests after it.
///
/// Many services count a window down in every answer: `X-RateLimit-Remaining` (or the IETF
/// draft's `RateLimit-Remaining`) with `X-RateLimit-Reset` as the seconds to go or as the
/// epoch second the window starts over. At zero the next request would be refused, so the
/// client holds everything back until the reset instead of spending a 429, and the
/// whole-second Retry-After pause that comes with it, to learn that.
enum RateLimitFeedback {
    /// Epoch seconds are told from delta seconds by size (as most clients do): no window
    /// resets 30 years from now.
    private static let epochThreshold: TimeInterval = 1_000_000_000

    /// Seconds until the server's window has room again; `nil` while it has room, or when
    /// the answer does not say.
    static func exhaustedFor(header: (String) -> String?, now: Date = Date()) -> TimeInterval? {
        guard let remaining = value(header, "X-RateLimit-Remaining", "RateLimit-Remaining"), remaining <= 0,
              let reset = value(header, "X-RateLimit-Reset", "RateLimit-Reset"), reset.isFinite, reset >= 0 else { return nil }
        return reset >= epochThreshold ? max(0, reset - now.timeIntervalSince1970) : reset
    }

    private static func value(_ header: (String) -> String?, _ names: String...) -> Double? {
        for name in names {
            if let text = header(name)?.trimmingCharacters(in: .whitespaces), let number = Double(text) { return number }
        }
        return nil
    }
}
