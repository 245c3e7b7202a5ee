import ConnectorKit

/// Claims an ABI version the host does not speak.
@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { 999 }

@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? { nil }
