import Glibc

/// ISO-8601 UTC timestamps (`2019-03-14T09:26:53.589Z`) formatted by hand: the fake
/// data needs thousands of them at start-up and must not depend on locale or
/// DateFormatter behaviour.
enum Timestamp {
    /// 2017-01-01T00:00:00Z, the earliest moment in generated data.
    static let dataEpochMillis: Int64 = 1_483_228_800_000

    static func iso(millis: Int64) -> String {
        let seconds = millis / 1000
        let ms = Int(millis % 1000)
        var days = seconds / 86_400
        var rem = Int(seconds % 86_400)
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = civil(daysSinceEpoch: days)
        // Written digit by digit: start-up formats hundreds of thousands of these.
        var out: [UInt8] = Array("0000-00-00T00:00:00.000Z".utf8)
        func put(_ value: Int, at end: Int, width: Int) {
            var v = value
            for i in stride(from: end, to: end - width, by: -1) {
                out[i] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        put(y, at: 3, width: 4)
        put(m, at: 6, width: 2)
        put(d, at: 9, width: 2)
        put(rem / 3600, at: 12, width: 2)
        put(rem / 60 % 60, at: 15, width: 2)
        put(rem % 60, at: 18, width: 2)
        put(ms, at: 22, width: 3)
        return String(decoding: out, as: UTF8.self)
    }

    /// A random moment `offsetDays` ± a few hours after the data epoch.
    static func random(_ rng: inout SplitMix64, fromDay: Int, toDay: Int) -> Int64 {
        let day = rng.between(fromDay, toDay)
        return dataEpochMillis + Int64(day) * 86_400_000 + Int64(rng.below(86_400_000))
    }

    /// Howard Hinnant's days-to-civil algorithm.
    private static func civil(daysSinceEpoch: Int64) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }
}

/// Monotonic clock in nanoseconds, for rate-limit windows (immune to wall-clock jumps).
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
