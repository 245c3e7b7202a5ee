import Foundation

/// A K-Sortable Unique IDentifier, the form of Baton's sync ids (`github.com/segmentio/ksuid`).
///
/// Twenty bytes: a big-endian `UInt32` of seconds since 2014-05-13 16:53:20 UTC
/// (Unix time 1,400,000,000), then sixteen random bytes; written as 27 base62 digits
/// (`0-9A-Za-z`), zero-padded. Text order is time order, which is why Baton can pick
/// "the latest sync" by comparing ids.
public struct KSUID: Hashable, Sendable, CustomStringConvertible {
    /// Unix time of KSUID second 0.
    public static let epoch: Int64 = 1_400_000_000
    /// Length of the text form.
    public static let textLength = 27
    static let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// The 20 raw bytes.
    public let bytes: [UInt8]

    /// Creates a KSUID for `date` with `payload` (16 bytes) as its random part.
    public init(date: Date, payload: [UInt8]) {
        precondition(payload.count == 16, "a KSUID payload is 16 bytes")
        let seconds = UInt32(clamping: Int64(date.timeIntervalSince1970.rounded(.down)) - Self.epoch)
        bytes = withUnsafeBytes(of: seconds.bigEndian, Array.init) + payload
    }

    /// Creates a KSUID for `date` with a fresh random payload.
    public init(date: Date = Date()) {
        var generator = SystemRandomNumberGenerator()
        self.init(date: date, payload: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The 27-character base62 text.
    public var description: String {
        // Long division of the 160-bit number by 62, on five 32-bit words.
        var words: [UInt32] = stride(from: 0, to: 20, by: 4).map { index in
            bytes[index..<index + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        var text = [UInt8](repeating: Self.digits[0], count: Self.textLength)
        var position = Self.textLength
        while words.contains(where: { $0 != 0 }) && position > 0 {
            var remainder: UInt64 = 0
            for index in words.indices {
                let value = remainder << 32 | UInt64(words[index])
                words[index] = UInt32(value / 62)
                remainder = value % 62
            }
            position -= 1
            text[position] = Self.digits[Int(remainder)]
        }
        return String(decoding: text, as: UTF8.self)
    }
}
