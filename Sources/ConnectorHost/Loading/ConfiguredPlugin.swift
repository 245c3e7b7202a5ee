import ConnectorKit

/// A plugin with its resolved configuration and the context its sessions run in (timeouts,
/// retries, and redaction of its secret values): one connector instance, ready to sync.
public struct ConfiguredPlugin {
    /// The plugin.
    public let plugin: LoadedPlugin
    /// The instance's name (`acme`); the plugin's own name for its default instance.
    public let name: String
    /// Its configuration, resolved from flags, environment, host configuration and defaults.
    public let config: ConnectorConfiguration
    /// The context for its sessions, redacting the secret values of `config`.
    public let context: ConnectorContext

    /// The name its stored OAuth credential is kept under (``ConnectorTarget/credentialName``);
    /// `nil`: keyed by the account, as before instances existed.
    public let credentialName: String?

    /// Configures `plugin` with `config`, under `options`, as the instance `name`; the context
    /// redacts `config`'s secret values and `moreSecrets` (e.g. a database password), and
    /// keeps the stored OAuth credential under `credentialName`.
    public init(plugin: LoadedPlugin, config: ConnectorConfiguration, options: SyncOptions, name: String? = nil,
                credentialName: String? = nil, moreSecrets: [String] = []) {
        self.plugin = plugin
        self.name = name ?? plugin.metadata.name
        self.config = config
        self.credentialName = credentialName
        context = options.makeContext(secrets: ConfigResolver.secrets(of: config, plugin.metadata) + moreSecrets,
                                      instance: credentialName)
    }

    /// A session of the plugin's connector (throws what the plugin rejects in `config`).
    public func makeSession() throws -> any ConnectorSession {
        try plugin.connector.makeSession(config: config, context: context)
    }
}
