import ConnectorKit

/// Resolves a connector's config fields: `--flag`, then the environment variable, then
/// `host-config.json`, then the field's default.
public struct ConfigResolver {
    /// Values given as flags, by field name.
    public var flags: [String: String]
    /// The process environment.
    public var environment: [String: String]
    /// The host configuration.
    public var hostConfiguration: HostConfiguration

    /// Creates a resolver.
    public init(flags: [String: String], environment: [String: String], hostConfiguration: HostConfiguration) {
        self.flags = flags
        self.environment = environment
        self.hostConfiguration = hostConfiguration
    }

    /// The configuration for `metadata`, or a usage error naming the flag and variable of
    /// the first missing required field.
    public func resolve(_ metadata: ConnectorMetadata) throws -> ConnectorConfiguration {
        var values: [String: String] = [:]
        let fromFile = hostConfiguration.connectors[metadata.name] ?? [:]
        let names = metadata.configFields.map(\.name)
        for key in fromFile.keys.sorted() where !names.contains(key) {
            let hint = ParsedArguments.closest(to: key, in: names).map { "; did you mean '\($0)'?" }
                ?? "; \(metadata.name) has \(names.joined(separator: ", "))"
            throw HostError.usage("host configuration \(hostConfiguration.path ?? "host-config.json"): "
                + "unknown key 'connectors.\(metadata.name).\(key)'\(hint)")
        }
        for field in metadata.configFields {
            let value = [flags[field.name], environment[field.env], fromFile[field.name], field.defaultValue]
                .compactMap { $0 }.first { !$0.isEmpty }
            if let value {
                values[field.name] = value
            } else if field.required {
                throw HostError.usage("\(metadata.name): missing --\(field.name) (or set \(field.env))")
            }
        }
        return ConnectorConfiguration(values)
    }

    /// The secret values in a resolved configuration, for redaction.
    public static func secrets(of config: ConnectorConfiguration, _ metadata: ConnectorMetadata) -> [String] {
        metadata.configFields.filter(\.secret).compactMap { config[$0.name] }
    }
}
