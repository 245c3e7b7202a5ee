import Foundation

extension ConfigField {
    /// How a field's value is validated: the kinds the kit knows, as static members so
    /// that more can be added without breaking plugins.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        enum Representation: Hashable, Sendable {
            case string, secret, integer, duration
            case accountURL(domain: String?)
        }

        let representation: Representation

        /// Any text.
        public static let string = Kind(representation: .string)
        /// Any text that is never printed (the field is `secret`).
        public static let secret = Kind(representation: .secret)
        /// A whole number, e.g. `25`.
        public static let integer = Kind(representation: .integer)
        /// A length of time: seconds (`90`), or a number with `s`, `m`, `h` or `d` (`15m`).
        public static let duration = Kind(representation: .duration)
        /// An account URL, scheme and host only; with a `domain`, a bare account name is expanded.
        public static func accountURL(domain: String? = nil) -> Kind { Kind(representation: .accountURL(domain: domain)) }

        /// The account domain of an account URL (`aha.io`), else `nil`.
        public var accountDomain: String? {
            if case .accountURL(let domain) = representation { return domain }
            return nil
        }

        public var description: String {
            switch representation {
            case .string: return "string"
            case .secret: return "secret"
            case .integer: return "integer"
            case .duration: return "duration"
            case .accountURL(let domain): return domain.map { "account URL (\($0))" } ?? "URL"
            }
        }

        /// Throws ``ConnectorError/Kind/invalidConfiguration`` unless `text` is a valid value
        /// of this kind for `field`.
        func validate(_ text: String, field: String) throws {
            switch representation {
            case .string, .secret:
                return
            case .integer:
                _ = try Self.integer(text, field: field)
            case .duration:
                _ = try Self.duration(text, field: field)
            case .accountURL(let domain):
                _ = try BaseURL.validate(text, field: field, accountDomain: domain)
            }
        }

        static func integer(_ text: String, field: String) throws -> Int {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConnectorError.invalidConfiguration(field: field, message: "'\(text)' is not a whole number")
            }
            return value
        }

        static func duration(_ text: String, field: String) throws -> TimeInterval {
            let value = text.trimmingCharacters(in: .whitespaces).lowercased()
            let units: [(String, Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
            let (number, scale) = units.first { value.hasSuffix($0.0) }.map { (String(value.dropLast()), $0.1) } ?? (value, 1)
            guard let amount = Double(number), amount.isFinite, amount >= 0 else {
                throw ConnectorError.invalidConfiguration(field: field, message: "'\(text)' is not a duration such as 90s, 15m or 6h")
            }
            return amount * scale
        }
    }
}
