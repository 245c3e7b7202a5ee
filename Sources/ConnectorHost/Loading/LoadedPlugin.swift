import ConnectorKit

/// A plugin that passed every load check: its file and its connector witness.
public struct LoadedPlugin: @unchecked Sendable {
    /// The `.so` it came from.
    public let path: String
    /// The plugin's connector.
    public let connector: any Connector

    /// Wraps a connector loaded from `path`; also used for connectors linked into the
    /// process (unit tests of the conformance check).
    public init(path: String, connector: any Connector) {
        self.path = path
        self.connector = connector
    }

    /// What the plugin says about itself.
    public var metadata: ConnectorMetadata { connector.metadata }
    /// The file name, for messages.
    public var fileName: String { (path as NSString).lastPathComponent }
}

import Foundation
