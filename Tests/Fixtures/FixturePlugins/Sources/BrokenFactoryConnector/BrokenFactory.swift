import ConnectorKit

@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { connectorABIVersion }

/// The factory throws: the host must report it and carry on.
@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? {
    PluginBox.export { throw ConnectorError.other("fixture factory refuses to start") }
}
