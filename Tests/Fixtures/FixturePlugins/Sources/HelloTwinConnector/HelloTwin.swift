import ConnectorKit

/// Claims the name `hello`, which another fixture already has.
struct HelloTwin: Connector {
    var metadata: ConnectorMetadata {
        ConnectorMetadata(name: "hello", version: "9.9.9", summary: "a second hello", resourceTypes: [], configFields: [])
    }
    func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        throw ConnectorError.other("unused")
    }
}

@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? { PluginBox.export { HelloTwin() } }
