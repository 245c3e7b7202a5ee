import ConnectorHost
import ConnectorKit

/// Plugin config fields as flags and help text; no host code per plugin.
enum PluginHelp {
    /// Each config field of `plugin` as `--<name> VALUE`.
    static func options(of plugin: LoadedPlugin) -> [OptionSpec] {
        plugin.metadata.configFields.map { OptionSpec.value($0.name, "VALUE", $0.help) }
    }

    /// Each config field of a target as `--<name> VALUE`, and `--<instance>.<name> VALUE`
    /// when several instances run at once (a plain flag goes to every one with that field).
    static func options(of target: ConnectorTarget, scoped: Bool) -> [OptionSpec] {
        target.plugin.metadata.configFields.flatMap { field -> [OptionSpec] in
            let plain = OptionSpec.value(field.name, "VALUE", field.help)
            return scoped ? [plain, .value("\(target.name).\(field.name)", "VALUE", field.help)] : [plain]
        }
    }

    /// The flag values that apply to `target`: `--<instance>.<field>` wins over `--<field>`.
    static func flags(for target: ConnectorTarget, in values: [String: String]) -> [String: String] {
        var flags: [String: String] = [:]
        for field in target.plugin.metadata.configFields {
            flags[field.name] = values["\(target.name).\(field.name)"] ?? values[field.name]
        }
        return flags
    }

    /// With several instances, a secret given as a plain `--<field>` would go to every one
    /// of them (one service's key sent to another): a usage error naming the scoped flags.
    static func requireScopedSecrets(of targets: [ConnectorTarget], in values: [String: String]) throws {
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

    /// A help section per plugin listing its flags and environment variables.
    static func fields(of plugins: [LoadedPlugin]) -> String {
        plugins.map { plugin in
            let rows = plugin.metadata.configFields.map { field -> (String, String) in
                var notes = ["env \(field.env)"]
                if field.required { notes.append("required") }
                if field.secret { notes.append("secret") }
                if let value = field.defaultValue, !field.secret { notes.append("default \(value)") }
                return ("--\(field.name) VALUE", "\(field.help) (\(notes.joined(separator: ", ")))")
            }
            return "\n\(plugin.metadata.name) options (\(plugin.metadata.summary)):\n" + Invocation.table(rows)
        }.joined()
    }
}
