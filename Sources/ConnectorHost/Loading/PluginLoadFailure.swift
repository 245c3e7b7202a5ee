/// Why one plugin file was skipped; printed as one line on stderr.
public struct PluginLoadFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file that failed.
    public let path: String
    /// What went wrong, in words a plugin author can act on.
    public let reason: String
    /// Which of the loader's checks failed.
    public var stage: Stage = .file

    /// The loader's checks, in the order it makes them.
    public enum Stage: String, Hashable, Sendable {
        /// The plugins directory: a directory, owned by root or the user, writable by no one else.
        case directory
        /// The file itself: a trusted regular file, an intact ELF shared object, accepted by `dlopen`.
        case file
        /// `connhost_plugin_abi_version`: present and equal to the host's.
        case abiVersion
        /// `connhost_plugin_entry`, the shared ConnectorKit, the box, the factory, the name.
        case entry
        /// Another plugin already has the name.
        case duplicateName
    }

    /// `plugin <file>: <reason>`, or the reason alone for a directory (it names the path).
    public var description: String {
        stage == .directory ? reason : "plugin \((path as NSString).lastPathComponent): \(reason)"
    }
}

import Foundation
