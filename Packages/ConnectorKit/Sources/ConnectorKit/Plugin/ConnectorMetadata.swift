/// What a plugin says about itself before it is configured.
public struct ConnectorMetadata: Codable, Hashable, Sendable {
    /// The name users type: `connhost sync <name>`. Lower case, no spaces.
    public var name: String
    /// The plugin's own version, e.g. `0.1.0`.
    public var version: String
    /// One line on what it syncs.
    public var summary: String
    /// The resource types its syncers produce.
    public var resourceTypes: [ResourceType]
    /// Configuration it accepts; each becomes a `--flag` and an environment variable.
    public var configFields: [ConfigField]

    /// Creates metadata.
    public init(name: String, version: String, summary: String,
                resourceTypes: [ResourceType], configFields: [ConfigField]) {
        self.name = name
        self.version = version
        self.summary = summary
        self.resourceTypes = resourceTypes
        self.configFields = configFields
    }

    enum CodingKeys: String, CodingKey {
        case name, version, summary, resourceTypes = "resource_types", configFields = "config_fields"
    }
}
