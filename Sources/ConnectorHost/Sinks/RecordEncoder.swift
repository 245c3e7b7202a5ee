import Foundation

/// Encodes records as compact JSON with sorted keys, the same way everywhere.
public struct RecordEncoder {
    private let encoder: JSONEncoder

    /// Creates an encoder.
    public init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
    }

    /// The JSON bytes of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder.encode(value)
    }

    /// `value` as a JSON string literal.
    public func string(_ value: String) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `object` exactly as ``encode(_:)`` (JSONEncoder with `.sortedKeys` and
    /// `.withoutEscapingSlashes`) writes a `[String: String]`: keys sorted by their UTF-8
    /// bytes; `"`, `\` and control characters escaped (`\b \f \n \r \t`, else `\u00xx`);
    /// everything else, `/` and non-ASCII included, as is. Profiles are written once per
    /// resource, and going through `Codable` for them cost more than the SQLite inserts.
    public static func jsonObject(_ object: [String: String]) -> String {
        if object.isEmpty { return "{}" }
        var size = 2
        for (key, value) in object { size += key.utf8.count + value.utf8.count + 6 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size + size / 8)
        bytes.append(UInt8(ascii: "{"))
        for (index, (key, value)) in object.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendJSONString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            appendJSONString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendJSONString(_ text: String, to bytes: inout [UInt8]) {
        let backslash = UInt8(ascii: "\\")
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), backslash: bytes.append(backslash); bytes.append(byte)
            case 0x08: bytes.append(backslash); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(backslash); bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(backslash); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(backslash); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(backslash); bytes.append(UInt8(ascii: "t"))
            case 0x00...0x1F:
                let low = byte & 0x0F
                bytes.append(contentsOf: [backslash, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          byte < 0x10 ? UInt8(ascii: "0") : UInt8(ascii: "1"),
                                          low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
