import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a secret of a configured connector instance comes from: an environment variable
/// or a file, never the configuration itself.
///
/// `host-config.json` spells it `{"env": "ACME_AHA_KEY"}` or `{"file": "secrets/acme.key"}`
/// (relative to the configuration file). A file must be a regular file that neither its
/// group nor others can read, like an ssh key; one trailing newline is trimmed.
public enum SecretReference: Sendable, Equatable, CustomStringConvertible {
    /// The value of an environment variable.
    case environment(String)
    /// The content of a file (absolute path).
    case file(String)

    /// `env ACME_AHA_KEY` or `file /etc/connhost/acme.key`: what `connhost connectors` shows.
    public var description: String {
        switch self {
        case .environment(let name): return "env \(name)"
        case .file(let path): return "file \(path)"
        }
    }

    /// Whether the source is there (the variable set and not empty, the file present).
    public func isPresent(environment: [String: String]) -> Bool {
        switch self {
        case .environment(let name): return !(environment[name] ?? "").isEmpty
        case .file(let path): return FileManager.default.fileExists(atPath: path)
        }
    }

    /// The secret; a usage error (exit 2) naming `owner` (`acme: api-key`) when the variable
    /// is unset, or the file is missing, not a regular file, readable by others, or empty.
    public func resolve(environment: [String: String], owner: String) throws -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw HostError.usage("\(owner) comes from the environment variable \(name), which is not set")
            }
            return value
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw HostError.usage("\(owner) comes from \(path), which cannot be read: \(String(cString: strerror(errno)))")
            }
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw HostError.usage("\(owner) comes from \(path), which is not a regular file")
            }
            let mode = info.st_mode & 0o777
            guard mode & 0o044 == 0 else {
                let who = mode & 0o004 != 0 ? "everyone" : "its group"
                throw HostError.usage("\(owner) comes from \(path), which \(who) can read (mode \(String(mode, radix: 8))): chmod 600 \(path)")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw HostError.usage("\(owner) comes from \(path), which cannot be read")
            }
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
            guard !text.isEmpty else { throw HostError.usage("\(owner) comes from \(path), which is empty") }
            return text
        }
    }
}
