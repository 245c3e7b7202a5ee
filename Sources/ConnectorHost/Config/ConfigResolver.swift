import ConnectorKit

/// Resolves a connector instance's config fields: `--flag`, then the environment variable,
/// then the instance in `host-config.json` (a value, or a ``SecretReference`` resolved
/// now), then the field's default.
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

    /// The configuration of the plugin's default instance (the one named like the plugin).
    public func resolve(_ metadata: ConnectorMetadata) throws -> ConnectorConfiguration {
        try resolve(metadata, instance: hostConfiguration.instance(named: metadata.name))
    }

    /// The configuration of `instance` of `metadata`'s plugin, or a usage error: an unknown
    /// key, a secret written as a value, an unresolvable reference, or a missing required
    /// field (naming its flag and variable).
    ///
    /// `fieldVariables: false` leaves out each field's own variable (`BATON_API_KEY`): in a
    /// run of several instances it would give every one of them the same value.
    public func resolve(_ metadata: ConnectorMetadata, instance: ConnectorInstance,
                        fieldVariables: Bool = true) throws -> ConnectorConfiguration {
        var values: [String: String] = [:]
        let file = "host configuration \(hostConfiguration.path ?? "host-config.json")"
        let names = metadata.configFields.map(\.name)
        for key in Set(instance.values.keys).union(instance.references.keys).sorted() where !names.contains(key) {
            let hint = ParsedArguments.closest(to: key, in: names + ConnectorInstance.reservedKeys).map { "; did you mean '\($0)'?" }
                ?? "; \(metadata.name) has \(names.joined(separator: ", "))"
            throw HostError.usage("\(file): unknown key 'connectors.\(instance.name).\(key)'\(hint)")
        }
        for field in metadata.configFields where field.secret && instance.values[field.name] != nil {
            let variable = (instance.name + "_" + field.name).uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            throw HostError.usage("\(file): connectors.\(instance.name).\(field.name) is a secret: reference it, "
                + "{\"env\": \"\(String(variable))\"} or {\"file\": \"secrets/\(instance.name).\(field.name)\"}, never write it here")
        }
        for field in metadata.configFields {
            let fromFile = try instance.values[field.name]
                ?? instance.references[field.name].map { try $0.resolve(environment: environment, owner: "\(instance.name): \(field.name)") }
            let value = [flags[field.name], fieldVariables ? environment[field.env] : nil, fromFile, field.defaultValue]
                .compactMap { $0 }.first { !$0.isEmpty }
            if let value {
                values[field.name] = value
            } else if field.required {
                let name = instance.name
                throw HostError.usage(fieldVariables ? "\(name): missing --\(field.name) (or set \(field.env))"
                    : "\(name): missing --\(name).\(field.name) (or connectors.\(name).\(field.name) in host-config.json)")
            }
        }
        return ConnectorConfiguration(values)
    }

    /// The secret values in a resolved configuration, for redaction.
    public static func secrets(of config: ConnectorConfiguration, _ metadata: ConnectorMetadata) -> [String] {
        metadata.configFields.filter(\.secret).compactMap { config[$0.name] }
    }
}
