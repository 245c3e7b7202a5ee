import PrivateKit

/// Built against a private static copy of ConnectorKit instead of the shared library.
struct Lonely: Connector {
    var metadata: ConnectorMetadata {
        ConnectorMetadata(name: "lonely", version: "0.0.1", summary: "own kit", resourceTypes: [], configFields: [])
    }
    func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        throw ConnectorError.other("unused")
    }
}

@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? { PluginBox.export { Lonely() } }
