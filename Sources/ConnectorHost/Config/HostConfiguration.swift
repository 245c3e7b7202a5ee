import Foundation

/// `host-config.json`: where plugins live, the default output, the connector instances,
/// and where `connhost serve` keeps its state.
///
/// ```json
/// {"pluginsDirectory": "plugins.d",
///  "output": {"format": "sqlite", "directory": "."},
///  "state": {"directory": "state", "keep": 30},
///  "serve": {"listen": "127.0.0.1:9464"},
///  "connectors": {"acme": {"plugin": "aha", "base-url": "https://acme.aha.io",
///                          "api-key": {"env": "ACME_AHA_KEY"}, "schedule": "every 6h"}}}
/// ```
/// Relative paths are relative to the file. Secrets are references (``SecretReference``),
/// never values.
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
    /// The configured connector instances by name.
    public var connectors: [String: ConnectorInstance] = [:]
    /// Absolute directory of `connhost serve`'s snapshots and history.
    public var stateDirectory: String?
    /// How many successful snapshots `connhost serve` keeps per instance.
    public var keep: Int?
    /// The address `connhost serve` listens on (`127.0.0.1:9464`).
    public var listen: String?

    /// An empty configuration.
    public init() {}

    /// The keys the file may hold, each with the keys of its object (empty: a string).
    static let schema: [String: [String]] = ["pluginsDirectory": [], "output": ["format", "directory"], "connectors": [],
                                             "state": ["directory", "keep"], "serve": ["listen"]]

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
        var sections: [String: [String: Any]] = [:]
        for section in ["output", "state", "serve"] {
            sections[section] = try object(top[section], section) ?? [:]
            try requireKnown(sections[section] ?? [:], schema[section] ?? [], in: "\(section).")
        }

        let base = ((path as NSString).deletingLastPathComponent as NSString)
        func absolute(_ value: String?) -> String? {
            guard let value, !value.isEmpty else { return nil }
            return value.hasPrefix("/") ? value : (base.appendingPathComponent(value) as NSString).standardizingPath
        }
        var connectors: [String: ConnectorInstance] = [:]
        for (name, entry) in try object(top["connectors"], "connectors") ?? [:] {
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), name.first != "-" else {
                throw invalid("connectors.\(name): an instance name is letters, digits, '-' and '_' (it names files and flags)")
            }
            var instance = ConnectorInstance(name: name)
            for (field, value) in try object(entry, "connectors.\(name)") ?? [:] {
                let keyPath = "connectors.\(name).\(field)"
                switch field {
                case "plugin": instance.plugin = try string(value, keyPath) ?? name
                case "schedule": instance.schedule = try string(value, keyPath)
                default:
                    if let reference = value as? [String: Any] {
                        instance.references[field] = try secretReference(reference, keyPath, base: absolute, invalid: invalid)
                    } else {
                        instance.values[field] = try string(value, keyPath)
                    }
                }
            }
            connectors[name] = instance
        }
        var config = HostConfiguration()
        config.path = path
        config.pluginsDirectory = absolute(try string(top["pluginsDirectory"], "pluginsDirectory"))
        config.outputFormat = try string(sections["output"]?["format"], "output.format")
        config.outputDirectory = absolute(try string(sections["output"]?["directory"], "output.directory"))
        config.stateDirectory = absolute(try string(sections["state"]?["directory"], "state.directory"))
        if let keep = sections["state"]?["keep"] {
            guard let number = keep as? NSNumber, String(cString: number.objCType) != "c",
                  number.doubleValue == number.doubleValue.rounded(), (1...10_000).contains(number.intValue) else {
                throw invalid("state.keep must be a whole number from 1 to 10000, not \(kind(of: keep)) \(keep)")
            }
            config.keep = number.intValue
        }
        config.listen = try string(sections["serve"]?["listen"], "serve.listen")
        config.connectors = connectors
        return config
    }

    /// `{"env": NAME}` or `{"file": PATH}`, exactly one of them, a non-empty string.
    private static func secretReference(_ object: [String: Any], _ keyPath: String, base: (String?) -> String?,
                                        invalid: (String) -> HostError) throws -> SecretReference {
        let usage = "\(keyPath) must be a string or a reference, {\"env\": \"NAME\"} or {\"file\": \"PATH\"}"
        guard object.count == 1, let (kind, value) = object.first, let text = value as? String, !text.isEmpty else {
            throw invalid(usage)
        }
        switch kind {
        case "env": return .environment(text)
        case "file": return .file(base(text) ?? text)
        default:
            let hint = ParsedArguments.closest(to: kind, in: ["env", "file"]).map { "; did you mean '\($0)'?" } ?? ""
            throw invalid("\(keyPath): unknown reference '\(kind)'\(hint) (\(usage))")
        }
    }

    /// The configured instance `name`, or the plugin's own default instance of that name.
    public func instance(named name: String) -> ConnectorInstance {
        connectors[name] ?? ConnectorInstance(name: name)
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
