import Foundation

/// `host-config.json`: where plugins live, the default output, and per-connector values.
///
/// ```json
/// {"pluginsDirectory": "plugins",
///  "output": {"format": "sqlite", "directory": "."},
///  "connectors": {"aha": {"base-url": "https://acme.aha.io"}}}
/// ```
/// Relative paths are relative to the file. Secrets belong in the environment, not here.
public struct HostConfiguration: Sendable {
    /// The file it was read from, if any.
    public var path: String?
    /// Absolute plugins directory, if the file names one.
    public var pluginsDirectory: String?
    /// Default snapshot format name.
    public var outputFormat: String?
    /// Absolute directory for default output paths.
    public var outputDirectory: String?
    /// Config values by connector name, then field name.
    public var connectors: [String: [String: String]] = [:]

    /// An empty configuration.
    public init() {}

    private struct File: Decodable {
        struct Output: Decodable { var format: String?; var directory: String? }
        var pluginsDirectory: String?
        var output: Output?
        var connectors: [String: [String: String]]?
    }

    /// Reads `path`; a missing or malformed file is a configuration error.
    public static func load(path: String) throws -> HostConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HostError.usage("cannot read host configuration \(path)")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw HostError.usage("host configuration \(path) is not valid: \(error.localizedDescription)")
        }
        let base = ((path as NSString).deletingLastPathComponent as NSString)
        func absolute(_ value: String?) -> String? {
            guard let value, !value.isEmpty else { return nil }
            return value.hasPrefix("/") ? value : (base.appendingPathComponent(value) as NSString).standardizingPath
        }
        var config = HostConfiguration()
        config.path = path
        config.pluginsDirectory = absolute(file.pluginsDirectory)
        config.outputFormat = file.output?.format
        config.outputDirectory = absolute(file.output?.directory)
        config.connectors = file.connectors ?? [:]
        return config
    }

    /// The file given by `--config`, else `CONNHOST_CONFIG`, else `./host-config.json` when it exists.
    public static func locate(flag: String?, environment: [String: String]) throws -> HostConfiguration {
        if let path = flag ?? environment["CONNHOST_CONFIG"] { return try load(path: path) }
        let local = FileManager.default.currentDirectoryPath + "/host-config.json"
        return FileManager.default.fileExists(atPath: local) ? try load(path: local) : HostConfiguration()
    }

    /// Plugin directories in search order: the flag or `CONNHOST_PLUGINS_DIR` alone when
    /// given; otherwise `pluginsDirectory` from this file, then the executable's directory.
    public func pluginDirectories(flag: String?, environment: [String: String], executableDirectory: String) -> [String] {
        if let explicit = flag ?? environment["CONNHOST_PLUGINS_DIR"], !explicit.isEmpty {
            return [explicit]
        }
        return [pluginsDirectory, executableDirectory].compactMap { $0 }
    }
}
