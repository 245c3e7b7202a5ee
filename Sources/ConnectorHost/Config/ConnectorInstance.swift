/// One configured account of a plugin: `connectors.<name>` in `host-config.json`.
///
/// ```json
/// "acme": {"plugin": "aha", "base-url": "https://acme.aha.io",
///          "api-key": {"env": "ACME_AHA_KEY"}, "schedule": "every 6h"}
/// ```
/// An instance without `plugin` uses the plugin of its own name, so a file keyed by
/// plugin names keeps working. Each instance's values, secrets included, go only to the
/// service of that instance.
public struct ConnectorInstance: Sendable, Equatable {
    /// The instance's name (`acme`), also the default name of its snapshot.
    public var name: String
    /// The plugin that syncs it (`aha`).
    public var plugin: String
    /// Plain field values by field name.
    public var values: [String: String]
    /// Referenced values by field name (secrets must be given this way).
    public var references: [String: SecretReference]
    /// When `connhost serve` runs it (`every 6h`, or a cron expression), if ever.
    public var schedule: String?

    /// Creates an instance; with no configuration it is the plugin's own default instance.
    public init(name: String, plugin: String? = nil, values: [String: String] = [:],
                references: [String: SecretReference] = [:], schedule: String? = nil) {
        self.name = name
        self.plugin = plugin ?? name
        self.values = values
        self.references = references
        self.schedule = schedule
    }

    /// Keys of an instance object that are not config fields.
    static let reservedKeys = ["plugin", "schedule"]
}
