import ConnectorKit

/// Plugin config fields as command-line options: `--<field>`, and `--<instance>.<field>`
/// when several connector instances run at once. No host code per plugin.
public enum PluginOptions {
    /// Each config field of `plugin` as `--<name> VALUE`, and `--<scope>.<name> VALUE` when
    /// a scope is given (a plain flag goes to every instance with that field).
    public static func options(of plugin: LoadedPlugin, scope: String? = nil) -> [OptionSpec] {
        plugin.metadata.configFields.flatMap { field -> [OptionSpec] in
            let plain = OptionSpec.value(field.name, "VALUE", field.help)
            return scope.map { [plain, .value("\($0).\(field.name)", "VALUE", field.help)] } ?? [plain]
        }
    }

    /// The flag values that apply to `target`: `--<instance>.<field>` wins over `--<field>`.
    public static func flags(for target: ConnectorTarget, in values: [String: String]) -> [String: String] {
        var flags: [String: String] = [:]
        for field in target.plugin.metadata.configFields {
            flags[field.name] = values["\(target.name).\(field.name)"] ?? values[field.name]
        }
        return flags
    }

    /// With several instances, a secret given as a plain `--<field>` would go to every one
    /// of them (one service's key sent to another): a usage error naming the scoped flags.
    public static func requireScopedSecrets(of targets: [ConnectorTarget], in values: [String: String]) throws {
        guard targets.count > 1 else { return }
        for target in targets {
            for field in target.plugin.metadata.configFields where field.secret && values[field.name] != nil {
                let scoped = targets.filter { $0.plugin.metadata.configFields.contains { $0.name == field.name } }
                    .map { "--\($0.name).\(field.name)" }
                throw HostError.usage("--\(field.name) is a secret and this run has several connectors; "
                    + "give it to each one that needs it: \(scoped.joined(separator: ", "))")
            }
        }
    }
}
