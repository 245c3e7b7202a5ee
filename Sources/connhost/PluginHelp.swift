import ConnectorHost
import ConnectorKit

/// Plugin config fields as flags and help text; no host code per plugin.
enum PluginHelp {
    /// Each config field of `plugin` as a `--<name> VALUE` option.
    static func options(of plugin: LoadedPlugin) -> [OptionSpec] {
        plugin.metadata.configFields.map { .value($0.name, "VALUE", $0.help) }
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
