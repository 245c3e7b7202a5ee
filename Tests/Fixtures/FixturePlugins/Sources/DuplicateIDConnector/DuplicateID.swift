import ConnectorKit

/// Breaks one rule: user `1` is listed twice.
struct DuplicateID: SelfTestingConnector {
    var metadata: ConnectorMetadata {
        ConnectorMetadata(name: "duplicate", version: "1.0.0", summary: "a user id listed twice",
                          resourceTypes: [Users.type], configFields: [])
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
        Page(["1", "2", "1"].map { Resource(type: "user", id: $0, displayName: "User \($0)") })
    }
}

@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? { PluginBox.export { DuplicateID() } }
