/// The ABI version of ConnectorKit this code was compiled against.
///
/// Compiled into each client (`@_alwaysEmitIntoClient`), so a plugin reports the version
/// it was built with, not the one of the kit loaded beside it. Bump it on every change to
/// ConnectorKit: there is no library evolution, and a plugin built against another layout
/// loads fine and then misbehaves.
@_alwaysEmitIntoClient
public var connectorABIVersion: UInt32 { 4 }

/// Carries a plugin's ``Connector`` factory across the C entry point.
///
/// The host receives it as an opaque pointer and casts it back with `as? PluginBox`; the
/// cast fails when the plugin linked its own copy of ConnectorKit, which the host reports.
public final class PluginBox: @unchecked Sendable {
    /// Makes the plugin's connector; it may throw, and the host reports the error.
    public let makeConnector: @Sendable () throws -> any Connector

    /// Creates a box around a factory.
    public init(_ makeConnector: @escaping @Sendable () throws -> any Connector) {
        self.makeConnector = makeConnector
    }

    /// Boxes a factory and returns a +1 pointer for `connhost_plugin_entry`.
    ///
    /// ```swift
    /// @_cdecl("connhost_plugin_abi_version")
    /// public func abiVersion() -> UInt32 { connectorABIVersion }
    ///
    /// @_cdecl("connhost_plugin_entry")
    /// public func entry() -> UnsafeMutableRawPointer? { PluginBox.export { MyConnector() } }
    /// ```
    public static func export(_ makeConnector: @escaping @Sendable () throws -> any Connector) -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(PluginBox(makeConnector)).toOpaque()
    }
}

/// Identifies the one ConnectorKit image in the process.
///
/// The host compares this symbol's address as seen from a plugin with its own: a plugin
/// that carries a private copy of the kit resolves it to a different address.
@_cdecl("connectorkit_image_marker")
public func connectorKitImageMarker() -> UInt32 { 0xC0_4E_C7 }
