import ConnectorKit

/// Breaks one rule: the secret `token` ends up in a user's profile.
struct LeakySecret: SelfTestingConnector {
    var metadata: ConnectorMetadata {
        ConnectorMetadata(name: "leaky", version: "1.0.0", summary: "a secret copied into a record",
                          resourceTypes: [Users.type],
                          configFields: [ConfigField(name: "token", env: "LEAKY_TOKEN", secret: true, required: true,
                                                     help: "a secret")])
    }
    func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        Session(token: try config.require("token"))
    }
    func makeSelfTestSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        try makeSession(config: config, context: context)
    }
}

struct Session: ConnectorSession {
    let token: String
    var syncers: [any ResourceSyncer] { [Users(token: token)] }
    func validate() async throws -> String { "ok" }
}

struct Users: ResourceSyncer {
    static let type = ResourceType(id: "user", displayName: "User", traits: [.user])
    let token: String
    var resourceType: ResourceType { Self.type }
    func list(_ request: ListRequest) async throws -> Page<Resource> {
        Page([Resource(type: "user", id: "1", displayName: "One", profile: ["note": "created with \(token)"])])
    }
}

@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? { PluginBox.export { LeakySecret() } }
