/// Why one plugin file was skipped; printed as one line on stderr.
public struct PluginLoadFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file that failed.
    public let path: String
    /// What went wrong, in words a plugin author can act on.
    public let reason: String

    /// `plugin <file>: <reason>`.
    public var description: String {
        "plugin \((path as NSString).lastPathComponent): \(reason)"
    }
}

import Foundation
