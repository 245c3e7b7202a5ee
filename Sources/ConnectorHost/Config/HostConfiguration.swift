import Foundation

/// `host-config.json`: where plugins live, the default output, and per-connector values.
///
/// ```json
/// {"pluginsDirectory": "plugins.d",
///  "output": {"format": "sqlite", "directory": "."},
///  "connectors": {"aha": {"base-url": "https://acme.aha.io"}}}
/// ```
/// Relative paths are relative to the file. Secrets belong in the environment, not here.
/// Unknown keys are errors with a suggestion, as unknown flags are (a typo must not be
/// silently ignored); a connector's keys are checked against its plugin by ``ConfigResolver``.
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

    /// The keys the file may hold, each with the keys of its object (empty: a string).
    static let schema: [String: [String]] = ["pluginsDirectory": [], "output": ["format", "directory"], "connectors": []]

    /// Reads `path`; a missing or malformed file, a value of the wrong type or an unknown key is
    /// a configuration error naming the file, the key path and what was expected.
    public static func load(path: String) throws -> HostConfiguration {
        func invalid(_ problem: String) -> HostError { .usage("host configuration \(path): \(problem)") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HostError.usage("host configuration \(path) does not exist")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw HostError.usage("cannot read host configuration \(path)\(isDirectory.boolValue ? ": it is a directory" : "")")
        }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw invalid("not valid JSON (\(detail))")
        }
        func object(_ value: Any?, _ keyPath: String) throws -> [String: Any]? {
            guard let value else { return nil }
            guard let object = value as? [String: Any] else { throw invalid("\(keyPath) must be an object, not \(kind(of: value))") }
            return object
        }
        func string(_ value: Any?, _ keyPath: String) throws -> String? {
            guard let value else { return nil }
            guard let text = value as? String else {
                throw invalid("\(keyPath) must be a string, not \(kind(of: value))")
            }
            return text
        }
        func requireKnown(_ object: [String: Any], _ known: [String], in prefix: String) throws {
            for key in object.keys.sorted() where !known.contains(key) {
                let hint = ParsedArguments.closest(to: key, in: known).map { "; did you mean '\(prefix)\($0)'?" }
                    ?? "; known keys: \(known.sorted().joined(separator: ", "))"
                throw invalid("unknown key '\(prefix)\(key)'\(hint)")
            }
        }
        guard let top = root as? [String: Any] else { throw invalid("the top level must be an object, not \(kind(of: root))") }
        try requireKnown(top, Array(schema.keys), in: "")
        let output = try object(top["output"], "output") ?? [:]
        try requireKnown(output, schema["output"] ?? [], in: "output.")
        var connectors: [String: [String: String]] = [:]
        for (name, entry) in try object(top["connectors"], "connectors") ?? [:] {
            var fields: [String: String] = [:]
            for (field, value) in try object(entry, "connectors.\(name)") ?? [:] {
                fields[field] = try string(value, "connectors.\(name).\(field)")
            }
            connectors[name] = fields
        }

        let base = ((path as NSString).deletingLastPathComponent as NSString)
        func absolute(_ value: String?) -> String? {
            guard let value, !value.isEmpty else { return nil }
            return value.hasPrefix("/") ? value : (base.appendingPathComponent(value) as NSString).standardizingPath
        }
        var config = HostConfiguration()
        config.path = path
        config.pluginsDirectory = absolute(try string(top["pluginsDirectory"], "pluginsDirectory"))
        config.outputFormat = try string(output["format"], "output.format")
        config.outputDirectory = absolute(try string(output["directory"], "output.directory"))
        config.connectors = connectors
        return config
    }

    /// `a number`, `an array`… for a message about a value of the wrong type.
    private static func kind(of value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber:
            return String(cString: number.objCType) == "c" ? "a boolean" : "a number"
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "\(type(of: value))"
        }
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
