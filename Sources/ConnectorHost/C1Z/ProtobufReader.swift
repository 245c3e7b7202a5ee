/// Decodes protobuf (proto3) messages field by field, skipping fields it is not asked about.
///
/// Readers of Baton files must skip unknown fields (newer SDKs add them), so the loop is
/// always `while let field = try reader.next() { switch field.number { … default: try reader.skip(field) } }`.
/// Every read checks its bounds and throws `ProtobufReader.Failure` on malformed input:
/// a damaged blob is an error message, never a crash.
public struct ProtobufReader {
    /// One field key: the field number and how its value is encoded.
    public struct Field: Equatable, Sendable {
        /// The field number from the `.proto` file.
        public var number: Int
        /// The wire type: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (3 and 4 are groups).
        public var wireType: UInt8

        /// Creates a field key.
        public init(number: Int, wireType: UInt8) {
            self.number = number
            self.wireType = wireType
        }
    }

    /// Why a message could not be decoded, with the byte offset where it went wrong.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// What is wrong, e.g. `truncated varint at byte 7`.
        public var description: String
    }

    private let storage: [UInt8]
    private var position: Int
    private let end: Int

    /// Creates a reader over a whole message.
    public init(_ bytes: [UInt8]) {
        self.init(storage: bytes, range: 0..<bytes.count)
    }

    private init(storage: [UInt8], range: Range<Int>) {
        self.storage = storage
        position = range.lowerBound
        end = range.upperBound
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position >= end }

    /// The next field's key, or `nil` at the end of the message.
    public mutating func next() throws -> Field? {
        guard position < end else { return nil }
        let start = position
        let key = try varint()
        let number = key >> 3
        guard number > 0, number < 1 << 29 else {
            throw Failure(description: "invalid field number \(number) at byte \(start)")
        }
        return Field(number: Int(number), wireType: UInt8(key & 7))
    }

    /// Reads a varint value (enum, int, bool).
    public mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else { throw Failure(description: "truncated varint at byte \(start)") }
            let byte = storage[position]
            position += 1
            guard shift < 64 else { throw Failure(description: "varint longer than 10 bytes at byte \(start)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Reads a little-endian `double`.
    public mutating func double() throws -> Double {
        guard end - position >= 8 else { throw Failure(description: "truncated double at byte \(position)") }
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(storage[position + index]) << (8 * UInt64(index)) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// Reads a length-delimited value as UTF-8 text (invalid sequences become U+FFFD).
    public mutating func string() throws -> String {
        let range = try lengthDelimited()
        return storage.withUnsafeBufferPointer { String(decoding: $0[range], as: UTF8.self) }
    }

    /// Reads a length-delimited value as raw bytes.
    public mutating func bytes() throws -> [UInt8] {
        Array(storage[try lengthDelimited()])
    }

    /// Reads a length-delimited value as an embedded message.
    public mutating func message() throws -> ProtobufReader {
        ProtobufReader(storage: storage, range: try lengthDelimited())
    }

    /// Reads a repeated varint field, packed (wire type 2) or not (wire type 0): decoders
    /// must accept both.
    public mutating func varints(_ field: Field) throws -> [UInt64] {
        if field.wireType == 0 { return [try varint()] }
        guard field.wireType == 2 else { throw mismatch(field, "varints") }
        var packed = try message()
        var values: [UInt64] = []
        while !packed.isAtEnd { values.append(try packed.varint()) }
        return values
    }

    /// Skips the value of `field`, whatever its wire type.
    public mutating func skip(_ field: Field) throws {
        switch field.wireType {
        case 0: _ = try varint()
        case 1: try advance(8)
        case 2: _ = try lengthDelimited()
        case 5: try advance(4)
        default:
            // Groups (3, 4) are proto2-only and never written by Baton.
            throw Failure(description: "unsupported wire type \(field.wireType) for field \(field.number) at byte \(position)")
        }
    }

    /// Checks that `field` has the wire type a schema expects, e.g. before `string()`.
    public func expect(_ field: Field, _ wireType: UInt8, _ what: String) throws {
        guard field.wireType == wireType else { throw mismatch(field, what) }
    }

    // MARK: - Plumbing

    private mutating func lengthDelimited() throws -> Range<Int> {
        let start = position
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw Failure(description: "length \(length) at byte \(start) runs past the end of the message")
        }
        let range = position..<position + Int(length)
        position = range.upperBound
        return range
    }

    private mutating func advance(_ count: Int) throws {
        guard end - position >= count else { throw Failure(description: "truncated fixed-size value at byte \(position)") }
        position += count
    }

    private func mismatch(_ field: Field, _ what: String) -> Failure {
        Failure(description: "field \(field.number) has wire type \(field.wireType), not the one for \(what)")
    }
}
