import ConnectorHost
import Foundation
import Testing

/// `SinceArgument`: spans and times `--since` takes, and one exact line for the rest.
@Suite struct SinceArgumentTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    @Test func spansCountBackFromNowAndTimesAreUTC() throws {
        #expect(try SinceArgument.parse("90s", now: Self.now) == Self.now.addingTimeInterval(-90))
        #expect(try SinceArgument.parse("30m", now: Self.now) == Self.now.addingTimeInterval(-1800))
        #expect(try SinceArgument.parse("24h", now: Self.now) == Self.now.addingTimeInterval(-86_400))
        #expect(try SinceArgument.parse("7d", now: Self.now) == Self.now.addingTimeInterval(-7 * 86_400))
        #expect(try SinceArgument.parse("0s", now: Self.now) == Self.now)
        #expect(try SinceArgument.parse("2027-01-14T08:00:00Z", now: Self.now) == Self.now.addingTimeInterval(-86_400))
        #expect(try SinceArgument.parse("2027-01-15T10:00:00+02:00", now: Self.now) == Self.now)
        #expect(try SinceArgument.parse("2027-01-15", now: Self.now) == Self.now.addingTimeInterval(-8 * 3600))
    }

    @Test func refusesEverythingElseWithOneLine() {
        for text in ["", "h", "24", "24 h", "-5m", "1.5h", "24w", "yesterday", "2027-13-01", "2027-01-15T08:00:00", "99999999999d"] {
            #expect(throws: HostError.usage("--since: expected a span like 24h (s, m, h or d) or a UTC time like 2026-12-01T08:00:00Z, got \"\(text)\""),
                    "\(text)") { try SinceArgument.parse(text, now: Self.now) }
        }
        #expect(throws: HostError.usage("--since: at most 3650d back, got \"3651d\"")) { try SinceArgument.parse("3651d", now: Self.now) }
    }
}
