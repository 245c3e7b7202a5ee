import ConnectorKit

/// A connector instance together with the loaded plugin that syncs it: what `sync`,
/// `validate` and `auth` act on.
public struct ConnectorTarget: Sendable {
    /// The instance (configured, or the plugin's default instance of the same name).
    public let instance: ConnectorInstance
    /// Its plugin.
    public let plugin: LoadedPlugin

    /// The instance's name: what messages, flags (`--acme.api-key`) and snapshot names use.
    public var name: String { instance.name }

    /// The name its stored OAuth credential is kept under (``ConnectorInstance/credentialName(of:)``).
    public var credentialName: String? { instance.credentialName(of: plugin) }
}

extension ConnectorInstance {
    /// The name the instance's stored OAuth credential is kept under: its own name when
    /// host-config.json gives it its account (the plugin's account URL field), so the name
    /// stands for one account; otherwise `nil`, and the credential is keyed by the account
    /// the flags or environment name (`aha` used with `--base-url acme` and `--base-url
    /// beta` keeps two).
    public func credentialName(of plugin: LoadedPlugin) -> String? {
        guard let field = (plugin.connector as? any ServiceConnector)?.service.baseURL.name, values[field] != nil else {
            return nil
        }
        return name
    }

    /// Where a sync of the instance finds its stored credential, in that order: its own
    /// name, then the account its URL gave before instances existed (moved to the name by
    /// the first sync). Empty when the account is not in host-config.json.
    public func storedCredentialNames(of plugin: LoadedPlugin) -> [String] {
        guard let own = credentialName(of: plugin), let service = (plugin.connector as? any ServiceConnector)?.service,
              let url = try? ConnectorConfiguration(values).url(service.baseURL) else { return [] }
        let account = service.account(of: url, context: ConnectorContext())
        return account == own ? [own] : [own, account]
    }
}

extension PluginCatalog {
    /// The instance `name` of the host configuration, or else the plugin `name` as its own
    /// default instance; a configured instance whose plugin is not loaded is a usage error
    /// naming the file and key.
    public func target(named name: String) throws -> ConnectorTarget {
        let instance = configuration.instance(named: name)
        guard configuration.connectors[name] != nil, result.plugin(named: instance.plugin) == nil else {
            return ConnectorTarget(instance: instance, plugin: try plugin(named: instance.plugin))
        }
        let names = result.plugins.map(\.metadata.name)
        let hint = ParsedArguments.closest(to: instance.plugin, in: names).map { "; did you mean '\($0)'?" }
            ?? "; available: \(names.isEmpty ? "none" : names.joined(separator: ", "))"
        throw HostError.usage("host configuration \(configuration.path ?? "host-config.json"): connectors.\(name) "
            + "uses plugin '\(instance.plugin)', which is not loaded\(hint)")
    }

    /// Every configured instance, by name: `sync --all`.
    public func allTargets() throws -> [ConnectorTarget] {
        guard !configuration.connectors.isEmpty else {
            throw HostError.usage("--all syncs the instances under \"connectors\" in host-config.json, and "
                + "\(configuration.path ?? "no host-config.json was found") has none")
        }
        return try configuration.connectors.keys.sorted().map(target(named:))
    }
}
