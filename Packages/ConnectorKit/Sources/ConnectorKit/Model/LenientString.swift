/// A JSON value read as a string whether the API sent `"42"` or `42`.
///
/// SaaS APIs disagree with their own docs about id types; ids are strings in the data
/// model, so decode both rather than fail a whole page on one record.
public struct LenientString: Decodable, Hashable, Sendable, CustomStringConvertible {
    /// The value as a string.
    public var value: String

    /// Wraps a string.
    public init(_ value: String) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(Int64.self) {
            value = String(number)
        } else if let number = try? container.decode(Double.self) {
            value = String(number)
        } else if let flag = try? container.decode(Bool.self) {
            value = String(flag)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath,
                                                                debugDescription: "expected a string or a number"))
        }
    }

    public var description: String { value }
}

/// A JSON field that holds one object or an array of them (Aha!'s `team_members`).
public struct OneOrMany<Element: Decodable & Sendable>: Decodable, Sendable {
    /// The elements, one or many.
    public var elements: [Element]

    /// Wraps elements.
    public init(_ elements: [Element]) { self.elements = elements }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            elements = []
        } else if let many = try? container.decode([Element].self) {
            elements = many
        } else {
            elements = [try container.decode(Element.self)]
        }
    }
}
