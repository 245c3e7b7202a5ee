import Foundation

/// A `google.protobuf.Value`, the element of the `Struct` that holds Baton profiles.
///
/// connhost profiles are string → string, so the writer only ever produces `.string`;
/// the other cases exist because Baton connectors write numbers, bools, lists and nested
/// structs, and a reader must turn those into text rather than fail.
public indirect enum ProtobufValue: Hashable, Sendable {
    /// `null_value` (field 1).
    case null
    /// `number_value` (field 2), a double.
    case number(Double)
    /// `string_value` (field 3).
    case string(String)
    /// `bool_value` (field 4).
    case bool(Bool)
    /// `struct_value` (field 5).
    case structure([String: ProtobufValue])
    /// `list_value` (field 6), a `ListValue` whose field 1 holds the elements.
    case list([ProtobufValue])

    // MARK: - Encoding

    /// Writes this value's fields. The set `oneof` member is always written, even when
    /// it holds its default (`bool_value: false` is `20 00`): that is what marks it set.
    public func write(into writer: inout ProtobufWriter) {
        switch self {
        case .null: writer.varint(1, 0, explicit: true)
        case .number(let value): writer.double(2, value, explicit: true)
        case .string(let value): writer.string(3, value, explicit: true)
        case .bool(let value): writer.bool(4, value, explicit: true)
        case .structure(let fields): writer.message(5) { Self.writeStruct(fields, into: &$0) }
        case .list(let values):
            writer.message(6) { list in
                for value in values { list.message(1) { value.write(into: &$0) } }
            }
        }
    }

    /// Writes a `Struct`'s fields: one map entry `{1 key, 2 value}` per key, sorted by the
    /// keys' UTF-8 bytes, as Go's deterministic marshaling orders string map keys.
    public static func writeStruct(_ fields: [String: ProtobufValue], into writer: inout ProtobufWriter) {
        for (key, value) in sorted(fields) {
            writer.message(1) { entry in
                entry.string(1, key, explicit: true)
                entry.message(2) { value.write(into: &$0) }
            }
        }
    }

    /// Writes a string → string profile as a `Struct` of `string_value`s, without building
    /// `ProtobufValue`s first (this runs once or twice per synced resource).
    public static func writeStruct(strings fields: [String: String], into writer: inout ProtobufWriter) {
        for (key, value) in sorted(fields) {
            writer.message(1) { entry in
                entry.string(1, key, explicit: true)
                entry.message(2) { $0.string(3, value, explicit: true) }
            }
        }
    }

    private static func sorted<V>(_ fields: [String: V]) -> [(key: String, value: V)] {
        fields.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    // MARK: - Decoding

    /// Reads a `Value` message; an unset `kind` reads as `.null`, and of repeated members
    /// the last one wins, as protobuf decoders do.
    public static func read(_ reader: inout ProtobufReader) throws -> ProtobufValue {
        var value = ProtobufValue.null
        while let field = try reader.next() {
            switch (field.number, field.wireType) {
            case (1, 0): _ = try reader.varint(); value = .null
            case (2, 1): value = .number(try reader.double())
            case (3, 2): value = .string(try reader.string())
            case (4, 0): value = .bool(try reader.varint() != 0)
            case (5, 2):
                var nested = try reader.message()
                value = .structure(try readStruct(&nested))
            case (6, 2):
                var list = try reader.message()
                var values: [ProtobufValue] = []
                while let element = try list.next() {
                    if element.number == 1 && element.wireType == 2 {
                        var item = try list.message()
                        values.append(try read(&item))
                    } else {
                        try list.skip(element)
                    }
                }
                value = .list(values)
            default: try reader.skip(field)
            }
        }
        return value
    }

    /// Reads a `Struct` message into its fields (a repeated key keeps the last value).
    public static func readStruct(_ reader: inout ProtobufReader) throws -> [String: ProtobufValue] {
        var fields: [String: ProtobufValue] = [:]
        while let field = try reader.next() {
            guard field.number == 1 && field.wireType == 2 else {
                try reader.skip(field)
                continue
            }
            var entry = try reader.message()
            var key = "", value = ProtobufValue.null
            while let part = try entry.next() {
                switch (part.number, part.wireType) {
                case (1, 2): key = try entry.string()
                case (2, 2):
                    var nested = try entry.message()
                    value = try read(&nested)
                default: try entry.skip(part)
                }
            }
            fields[key] = value
        }
        return fields
    }

    // MARK: - As profile text

    /// The value as one profile string: strings as they are, integral numbers without a
    /// fraction, bools as `true`/`false`, lists and structs as compact JSON; `nil` for null.
    public var text: String? {
        switch self {
        case .null: return nil
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .number(let value):
            if value.isFinite, value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
                return String(Int64(value))
            }
            return String(value)
        case .structure, .list:
            let object = jsonObject
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
                return nil
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    private var jsonObject: Any {
        switch self {
        case .null: return NSNull()
        case .string(let value): return value
        case .bool(let value): return value
        case .number(let value): return value.isFinite ? value as Any : String(value) as Any
        case .structure(let fields): return fields.mapValues { $0.jsonObject }
        case .list(let values): return values.map { $0.jsonObject }
        }
    }
}
