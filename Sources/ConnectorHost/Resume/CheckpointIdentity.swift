import ConnectorKit

/// What a checkpoint must match to be resumed: the same plugin and version, and the same
/// non-secret configuration (which also names the account: a base URL, a domain).
///
/// Configuration values are kept only as hashes, one per field, so a mismatch can name the
/// field without the staging file holding the values. Secret fields are left out: a new API
/// key for the same account must not throw a checkpoint away, and no secret, not even
/// hashed, is written next to the output.
public struct CheckpointIdentity: Equatable, Sendable {
    /// The plugin's name.
    public var plugin: String
    /// The plugin's version.
    public var version: String
    /// FNV-1a 64 of each non-secret field's value, in hex, by field name.
    public var configHashes: [String: String]

    /// Creates an identity from stored parts.
    public init(plugin: String, version: String, configHashes: [String: String]) {
        self.plugin = plugin
        self.version = version
        self.configHashes = configHashes
    }

    /// The identity of a sync of `metadata`'s plugin with `config` (secret fields left out).
    public init(metadata: ConnectorMetadata, config: ConnectorConfiguration) {
        let secret = Set(metadata.configFields.filter(\.secret).map(\.name))
        var hashes: [String: String] = [:]
        for (field, value) in config.values where !secret.contains(field) {
            hashes[field] = Self.hash(value)
        }
        self.init(plugin: metadata.name, version: metadata.version, configHashes: hashes)
    }

    /// Why a checkpoint made for `stored` cannot be resumed by `self`; `nil` when it can.
    public func mismatch(with stored: CheckpointIdentity) -> String? {
        if stored.plugin != plugin {
            return "it is for plugin \(stored.plugin), not \(plugin)"
        }
        if stored.version != version {
            return "it was made by \(plugin) \(stored.version), this is \(plugin) \(version)"
        }
        let changed = Set(stored.configHashes.keys).union(configHashes.keys)
            .filter { stored.configHashes[$0] != configHashes[$0] }.sorted()
        if !changed.isEmpty {
            return "the configuration changed (" + changed.map { "--\($0)" }.joined(separator: ", ") + ")"
        }
        return nil
    }

    /// FNV-1a, 64 bits: a change detector, not a secret keeper (no secret is hashed).
    static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
