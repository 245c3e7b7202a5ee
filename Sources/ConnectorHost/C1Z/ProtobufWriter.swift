/// Encodes protobuf (proto3) messages the deterministic way Baton's `protoMarshaler` does.
///
/// Callers write fields in ascending field-number order; scalar writers omit proto3
/// defaults (`""`, 0, `false`, empty bytes) unless told the field is set explicitly
/// (a `oneof` member), and `message` always writes, because a set message is present
/// even when it is empty. Nested messages are written in place: the length prefix is
/// reserved as one byte and widened only when the body turns out longer, so encoding
/// a record allocates one buffer, not one per nesting level.
public struct ProtobufWriter {
    /// The protobuf wire types this encoder writes.
    public enum WireType: UInt8, Sendable {
        /// Varints: enums, bools, integers.
        case varint = 0
        /// Little-endian 64-bit values: doubles.
        case fixed64 = 1
        /// Length-prefixed: strings, bytes, messages, packed repeated scalars.
        case lengthDelimited = 2
    }

    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty writer, optionally with room for `capacity` bytes.
    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer but keeps its storage, for encoding many records in a row.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: - Fields

    /// Writes a varint field (enum, int, uint); 0 is omitted unless `explicit`.
    public mutating func varint(_ field: Int, _ value: UInt64, explicit: Bool = false) {
        guard value != 0 || explicit else { return }
        key(field, .varint)
        rawVarint(value)
    }

    /// Writes a signed `int32`/`int64`/enum field; negative values take ten bytes, as protobuf says.
    public mutating func int(_ field: Int, _ value: Int64, explicit: Bool = false) {
        varint(field, UInt64(bitPattern: value), explicit: explicit)
    }

    /// Writes a `bool` field; `false` is omitted unless `explicit`.
    public mutating func bool(_ field: Int, _ value: Bool, explicit: Bool = false) {
        varint(field, value ? 1 : 0, explicit: explicit)
    }

    /// Writes a `double` field; +0.0 is omitted unless `explicit` (-0.0 is not a default).
    public mutating func double(_ field: Int, _ value: Double, explicit: Bool = false) {
        guard value.bitPattern != 0 || explicit else { return }
        key(field, .fixed64)
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }

    /// Writes a `string` field as UTF-8; `""` is omitted unless `explicit`.
    public mutating func string(_ field: Int, _ value: String, explicit: Bool = false) {
        guard !value.isEmpty || explicit else { return }
        key(field, .lengthDelimited)
        var value = value
        value.withUTF8 { utf8 in
            rawVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes a `bytes` field; empty is omitted unless `explicit`.
    public mutating func bytes<C: Collection>(_ field: Int, _ value: C, explicit: Bool = false) where C.Element == UInt8 {
        guard !value.isEmpty || explicit else { return }
        key(field, .lengthDelimited)
        rawVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a packed repeated varint field (repeated enums); empty is omitted.
    public mutating func packedVarints(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        message(field) { writer in
            for value in values { writer.rawVarint(value) }
        }
    }

    /// Writes a message field, always (a set message is present even when empty); `body`
    /// writes the message's own fields.
    ///
    /// With `omitIfEmpty`, the field is a `bytes` field whose content `body` encodes in
    /// place (such as `Any.value`): empty bytes are a proto3 default and leave no trace.
    public mutating func message(_ field: Int, omitIfEmpty: Bool = false, _ body: (inout ProtobufWriter) throws -> Void) rethrows {
        let keyAt = bytes.count
        key(field, .lengthDelimited)
        let lengthAt = bytes.count
        bytes.append(0)
        try body(&self)
        let length = bytes.count - lengthAt - 1
        if length == 0 && omitIfEmpty {
            bytes.removeSubrange(keyAt...)
        } else if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
        } else {
            var prefix: [UInt8] = []
            Self.appendVarint(UInt64(length), to: &prefix)
            bytes.replaceSubrange(lengthAt...lengthAt, with: prefix)
        }
    }

    // MARK: - Raw encoding

    /// Appends a field key, `number << 3 | wire type`.
    public mutating func key(_ field: Int, _ wire: WireType) {
        precondition(field > 0 && field < 1 << 29, "protobuf field numbers are 1...536870911")
        rawVarint(UInt64(field) << 3 | UInt64(wire.rawValue))
    }

    /// Appends a base-128 varint, least significant group first.
    public mutating func rawVarint(_ value: UInt64) {
        Self.appendVarint(value, to: &bytes)
    }

    static func appendVarint(_ value: UInt64, to buffer: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(value))
    }
}
