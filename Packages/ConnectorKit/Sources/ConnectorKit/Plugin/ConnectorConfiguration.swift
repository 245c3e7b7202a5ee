import Foundation

/// The configuration values the host resolved for a connector (flags, then environment,
/// then `host-config.json`, then field defaults).
///
/// Read values through their declared ``ConfigField``s (``value(_:)``, ``url(_:)``,
/// ``integer(_:)``, ``duration(_:)``): the kit validates them by kind, in one place, with
/// messages that name the flag.
public struct ConnectorConfiguration: Sendable {
    /// Values by field name.
    public var values: [String: String]

    /// Creates a configuration.
    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// The value of `field`, or `nil` when it was not given or is empty.
    public subscript(field: String) -> String? {
        guard let value = values[field], !value.isEmpty else { return nil }
        return value
    }

    /// The value of `field`, or an ``ConnectorError/Kind/invalidConfiguration`` error.
    public func require(_ field: String) throws -> String {
        guard let value = self[field] else {
            throw ConnectorError.invalidConfiguration(field: field, message: "is required")
        }
        return value
    }

    /// The value of `field` (or its default) after checking it against its kind; `nil` when
    /// absent and not required.
    public func value(_ field: ConfigField) throws -> String? {
        guard let value = self[field.name] ?? field.defaultValue.flatMap({ $0.isEmpty ? nil : $0 }) else {
            if field.required { throw ConnectorError.invalidConfiguration(field: field.name, message: "is required") }
            return nil
        }
        try field.kind.validate(value, field: field.name)
        return value
    }

    /// The URL of an account-URL field, validated (``BaseURL``) and expanded.
    public func url(_ field: ConfigField) throws -> URL {
        guard let text = self[field.name] ?? field.defaultValue.flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw ConnectorError.invalidConfiguration(field: field.name, message: "is required")
        }
        return try BaseURL.validate(text, field: field.name, accountDomain: field.kind.accountDomain)
    }

    /// The whole number of `field`, or `nil` when absent.
    public func integer(_ field: ConfigField) throws -> Int? {
        try value(field).map { try ConfigField.Kind.integer($0, field: field.name) }
    }

    /// The seconds of a duration field, or `nil` when absent.
    public func duration(_ field: ConfigField) throws -> TimeInterval? {
        try value(field).map { try ConfigField.Kind.duration($0, field: field.name) }
    }

    /// Checks every field of `fields` that has a value (and that every required one has).
    public func validate(_ fields: [ConfigField]) throws {
        for field in fields { _ = try value(field) }
    }
}
