import ConnectorKit

/// Breaks one rule: config field `token` has no environment variable name.
struct MissingEnv: SelfTestingConnector {
    var metadata: ConnectorMetadata {
        ConnectorMetadata(name: "missingenv", version: "1.0.0", summary: "a config field without an env name",
                          resourceTypes: [Users.type],
                          configFields: [ConfigField(name: "token", env: "", secret: true, help: "a secret")])
    }
    func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession { Session() }
    func makeSelfTestSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession { Session() }
}

struct Session: ConnectorSession {
    var syncers: [any ResourceSyncer] { [Users()] }
    func validate() async throws -> String { "ok" }
}

struct Users: ResourceSyncer {
    static let type = ResourceType(id: "user", displayName: "User", traits: [.user])
    var resourceType: ResourceType { Self.type }
    func list(_ request: ListRequest) async throws -> Page<Resource> {
        Page([Resource(type: "user", id: "1", displayName: "One")])
    }
}

@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? { PluginBox.export { MissingEnv() } }
