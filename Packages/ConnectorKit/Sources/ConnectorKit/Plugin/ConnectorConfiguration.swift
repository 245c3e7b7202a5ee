/// The configuration values the host resolved for a connector (flags, then environment,
/// then `host-config.json`, then field defaults).
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

    /// The value of `field`, or an ``ConnectorError/invalidConfiguration(field:message:)``.
    public func require(_ field: String) throws -> String {
        guard let value = self[field] else {
            throw ConnectorError.invalidConfiguration(field: field, message: "is required")
        }
        return value
    }
}
