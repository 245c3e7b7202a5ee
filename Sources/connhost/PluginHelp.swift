import ConnectorHost
import ConnectorKit

/// Plugin config fields as help text (the flags themselves are ``PluginOptions``).
enum PluginHelp {
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
