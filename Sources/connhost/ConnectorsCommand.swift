import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost connectors`: the configured instances, their accounts, and where each one's
/// credentials come from (never the credentials themselves).
enum ConnectorsCommand: Command {
    static let name = "connectors"
    static let summary = "List the configured connector instances and their credential sources"
    static let usage = "connhost connectors [--plugins-dir DIR] [--config FILE] [--json]"
    static let options = [CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.json, CommonOptions.help]

    /// One instance as `--json` prints it.
    struct Entry: Encodable {
        /// One secret field: how it is given and whether that source is there now.
        struct Credential: Encodable {
            var field: String
            var source: String
            var present: Bool
        }
        var name: String
        var plugin: String
        var account: String?
        var schedule: String?
        var credentials: [Credential]
        /// Why the instance cannot be used as configured (its plugin is not loaded).
        var problem: String?
    }

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") { invocation.out(help()); return 0 }
        guard parsed.positionals.isEmpty else { throw HostError.usage("connectors takes no arguments") }
        let catalog = try CommonOptions.catalog(parsed, invocation)
        let entries = catalog.configuration.connectors.keys.sorted().map { name in
            entry(name, catalog: catalog, environment: invocation.environment)
        }
        if parsed.has("json") {
            try invocation.outJSON(entries)
            return 0
        }
        if entries.isEmpty {
            invocation.out("No connector instances in \(catalog.configuration.path ?? "host-config.json (none found)"); "
                + "add them under \"connectors\", or sync a plugin by its name.")
            return 0
        }
        invocation.out(Invocation.grid(
            ["NAME", "PLUGIN", "ACCOUNT", "CREDENTIALS", "SCHEDULE"],
            entries.map { entry in
                let credentials = entry.problem ?? entry.credentials.map {
                    "\($0.field == $0.source ? $0.source : "\($0.field): \($0.source)")\($0.present ? "" : " (missing)")"
                }.joined(separator: "; ")
                return [entry.name, entry.plugin, entry.account ?? "-", credentials.isEmpty ? "-" : credentials, entry.schedule ?? "-"]
            }))
        return 0
    }

    /// What is known of instance `name` without resolving any secret.
    static func entry(_ name: String, catalog: PluginCatalog, environment: [String: String]) -> Entry {
        let instance = catalog.configuration.instance(named: name)
        var entry = Entry(name: name, plugin: instance.plugin, account: instance.values["base-url"],
                          schedule: instance.schedule, credentials: [])
        guard let plugin = catalog.result.plugin(named: instance.plugin) else {
            entry.problem = "plugin '\(instance.plugin)' is not loaded"
            return entry
        }
        for field in plugin.metadata.configFields where field.secret {
            if let reference = instance.references[field.name] {
                entry.credentials.append(.init(field: field.name, source: reference.description,
                                               present: reference.isPresent(environment: environment)))
            } else if field.required {
                entry.credentials.append(.init(field: field.name, source: "flag --\(field.name) or env \(field.env)",
                                               present: !(environment[field.env] ?? "").isEmpty))
            }
        }
        // An OAuth-capable instance: its stored credential, the source a sync falls back to
        // when no API key is referenced (shown as missing only then).
        let stored = instance.storedCredentialNames(of: plugin)
        if plugin.connector is any OAuthAuthorizing, !stored.isEmpty {
            let store = OAuth2TokenStore.standard()
            let present = stored.contains { FileManager.default.fileExists(atPath: store.path(for: $0)) }
            if present || entry.credentials.allSatisfy({ $0.field == "client-secret" }) {
                entry.credentials.append(.init(field: "oauth", source: "oauth", present: present))
            }
        }
        if entry.account == nil, let field = plugin.metadata.configFields.first(where: { $0.name == "base-url" }) {
            entry.account = field.defaultValue
        }
        return entry
    }
}
