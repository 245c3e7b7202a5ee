import ConnectorKit

/// Plugin config fields as command-line options: `--<field>`, and `--<plugin>.<field>`
/// when several plugins run at once. No host code per plugin.
public enum PluginOptions {
    /// Each config field of `plugin` as `--<name> VALUE`, and `--<plugin>.<name> VALUE`
    /// when `scoped` (a plain flag goes to every plugin with that field).
    public static func options(of plugin: LoadedPlugin, scoped: Bool = false) -> [OptionSpec] {
        plugin.metadata.configFields.flatMap { field -> [OptionSpec] in
            let plain = OptionSpec.value(field.name, "VALUE", field.help)
            return scoped ? [plain, .value("\(plugin.metadata.name).\(field.name)", "VALUE", field.help)] : [plain]
        }
    }

    /// The flag values that apply to `plugin`: `--<plugin>.<field>` wins over `--<field>`.
    public static func flags(for plugin: LoadedPlugin, in values: [String: String]) -> [String: String] {
        var flags: [String: String] = [:]
        for field in plugin.metadata.configFields {
            flags[field.name] = values["\(plugin.metadata.name).\(field.name)"] ?? values[field.name]
        }
        return flags
    }

    /// With several plugins, a secret given as a plain `--<field>` would go to every one of
    /// them (one service's key sent to another): a usage error naming the scoped flags.
    public static func requireScopedSecrets(of plugins: [LoadedPlugin], in values: [String: String]) throws {
        guard plugins.count > 1 else { return }
        for plugin in plugins {
            for field in plugin.metadata.configFields where field.secret && values[field.name] != nil {
                let scoped = plugins.filter { $0.metadata.configFields.contains { $0.name == field.name } }
                    .map { "--\($0.metadata.name).\(field.name)" }
                throw HostError.usage("--\(field.name) is a secret and this run has several plugins; "
                    + "give it to each one that needs it: \(scoped.joined(separator: ", "))")
            }
        }
    }
}
