import ConnectorKit

/// A plugin with its resolved configuration and the context its sessions run in (timeouts,
/// retries, and redaction of its secret values).
public struct ConfiguredPlugin {
    /// The plugin.
    public let plugin: LoadedPlugin
    /// Its configuration, resolved from flags, environment, host configuration and defaults.
    public let config: ConnectorConfiguration
    /// The context for its sessions, redacting the secret values of `config`.
    public let context: ConnectorContext

    /// Configures `plugin` with `config`, under `options`.
    public init(plugin: LoadedPlugin, config: ConnectorConfiguration, options: SyncOptions) {
        self.plugin = plugin
        self.config = config
        context = options.makeContext(secrets: ConfigResolver.secrets(of: config, plugin.metadata))
    }

    /// The plugin's name.
    public var name: String { plugin.metadata.name }

    /// A session of the plugin's connector (throws what the plugin rejects in `config`).
    public func makeSession() throws -> any ConnectorSession {
        try plugin.connector.makeSession(config: config, context: context)
    }
}
