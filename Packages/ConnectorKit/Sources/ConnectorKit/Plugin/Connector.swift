/// The witness a plugin hands to the host: what it is, and how to connect.
///
/// A plugin's `connhost_plugin_entry` returns one `Connector` in a ``PluginBox``.
///
/// ## Implementation requirements
/// - `metadata` is constant and cheap: the host reads it for `list-plugins` and `--help`
///   without any configuration.
/// - `makeSession` validates the configuration and throws
///   ``ConnectorError/invalidConfiguration(field:message:)`` naming the field; it makes
///   no network calls.
/// - Secrets (fields marked `secret`) never appear in thrown errors or in records.
/// - Use ``HTTPClient`` for every request: it rate-limits, retries, counts and redacts.
public protocol Connector: Sendable {
    /// Name, version, resource types and configuration fields.
    var metadata: ConnectorMetadata { get }

    /// Returns a session bound to a validated configuration.
    func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession
}

/// A configured connector, ready to validate credentials and sync.
public protocol ConnectorSession: Sendable {
    /// Makes one cheap authenticated call and describes what it reached.
    func validate() async throws -> String

    /// One syncer per resource type, in the order the host should sync them.
    var syncers: [any ResourceSyncer] { get }
}
