/// A connector that can also run on canned data, with no account and no network.
///
/// An optional capability: the host finds it with `connector as? any SelfTestingConnector`.
/// `connhost check-plugin` uses it when it is given no live configuration, so a plugin can
/// be checked for conformance (ids, grants, page tokens, secrets) on any machine.
///
/// ## Implementation requirements
/// - The self-test session runs the plugin's real syncers and mapping code; only where the
///   data comes from differs (canned API responses instead of ``HTTPClient`` calls).
///   Checking a separate, hand-written syncer proves nothing about the real one.
/// - The canned data has more than one page somewhere, so that page tokens are exercised.
/// - `makeSelfTestSession` derives everything it uses from `config` the way
///   ``Connector/makeSession(config:context:)`` does: the checker fails the plugin when a
///   secret value of `config` shows up in a record.
public protocol SelfTestingConnector: Connector {
    /// Made-up values for the self-test, one for every required field.
    ///
    /// The default gives each field its default value, or `self-test-<name>` (secret
    /// fields included, so that a leak is recognisable).
    var selfTestConfiguration: ConnectorConfiguration { get }

    /// Returns a session whose syncers read canned data instead of calling the service.
    func makeSelfTestSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession
}

// MARK: - Default implementations

extension SelfTestingConnector {
    /// Every field's default value, or `self-test-<name>` when it has none.
    public var selfTestConfiguration: ConnectorConfiguration {
        var values: [String: String] = [:]
        for field in metadata.configFields {
            values[field.name] = field.secret ? "self-test-\(field.name)" : field.defaultValue ?? "self-test-\(field.name)"
        }
        return ConnectorConfiguration(values)
    }
}
