import ConnectorKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds `lib*Connector.so` files and loads each one without trusting it.
///
/// Checks run in this order, and the first that fails skips the file with one line:
/// an ELF shared object → `dlopen` → the ABI version symbol and its value → the entry
/// symbol → one shared ConnectorKit → the box cast → the factory → a unique name.
/// Handles are never closed: type metadata of a plugin stays referenced for the process.
public struct PluginLoader {
    /// Directories searched, in order.
    public let directories: [String]

    /// Creates a loader over `directories`.
    public init(directories: [String]) {
        self.directories = directories
    }

    /// The outcome of loading a set of directories.
    public struct Result {
        /// Plugins that loaded, in search order.
        public var plugins: [LoadedPlugin] = []
        /// Files that were skipped, with the reason.
        public var failures: [PluginLoadFailure] = []

        /// The plugin named `name`, if one loaded.
        public func plugin(named name: String) -> LoadedPlugin? {
            plugins.first { $0.metadata.name == name }
        }
    }

    /// Whether a file name is a plugin candidate.
    public static func isCandidate(_ fileName: String) -> Bool {
        fileName.hasPrefix("lib") && fileName.hasSuffix("Connector.so") && fileName != "libConnectorKit.so"
    }

    /// Loads every candidate in every directory.
    public func loadAll() -> Result {
        var result = Result()
        var seen = Set<String>()
        for directory in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() where Self.isCandidate(name) {
                let path = (directory as NSString).appendingPathComponent(name)
                let resolved = (path as NSString).resolvingSymlinksInPath
                guard seen.insert(resolved).inserted else { continue }
                switch Self.load(path: path) {
                case .success(let plugin):
                    if let other = result.plugins.first(where: { $0.metadata.name == plugin.metadata.name }) {
                        result.failures.append(PluginLoadFailure(
                            path: path, reason: "name '\(plugin.metadata.name)' is already taken by \(other.path); skipped",
                            stage: .duplicateName))
                    } else {
                        result.plugins.append(plugin)
                    }
                case .failure(let failure):
                    result.failures.append(failure)
                }
            }
        }
        return result
    }

    /// Loads one file, or says why not.
    public static func load(path: String) -> Swift.Result<LoadedPlugin, PluginLoadFailure> {
        func fail(_ reason: String, _ stage: PluginLoadFailure.Stage = .entry) -> Swift.Result<LoadedPlugin, PluginLoadFailure> {
            .failure(PluginLoadFailure(path: path, reason: reason, stage: stage))
        }
        if let problem = elfProblem(path: path) { return fail(problem, .file) }

        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let message = dlerror().map { String(cString: $0) } ?? "unknown error"
            return fail("cannot be loaded: \(message)", .file)
        }
        typealias VersionFunction = @convention(c) () -> UInt32
        typealias EntryFunction = @convention(c) () -> UnsafeMutableRawPointer?
        typealias MarkerFunction = @convention(c) () -> UInt32

        guard let versionSymbol = dlsym(handle, "connhost_plugin_abi_version") else {
            return fail("not a connhost plugin (no connhost_plugin_abi_version symbol)", .abiVersion)
        }
        let version = unsafeBitCast(versionSymbol, to: VersionFunction.self)()
        guard version == connectorABIVersion else {
            return fail("ABI version \(version), host expects \(connectorABIVersion): rebuild it against this ConnectorKit", .abiVersion)
        }
        guard let entrySymbol = dlsym(handle, "connhost_plugin_entry") else {
            return fail("not a connhost plugin (no connhost_plugin_entry symbol)")
        }
        // A plugin with a private kit resolves the marker inside itself, not to ours.
        if let theirs = dlsym(handle, "connectorkit_image_marker"),
           let ours = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "connectorkit_image_marker"), theirs != ours {
            return fail("carries its own copy of ConnectorKit; link the shared libConnectorKit.so (a dynamic product dependency)")
        }
        guard let raw = unsafeBitCast(entrySymbol, to: EntryFunction.self)() else {
            return fail("connhost_plugin_entry returned nothing")
        }
        let object = Unmanaged<AnyObject>.fromOpaque(raw).takeRetainedValue()
        guard let box = object as? PluginBox else {
            return fail("carries its own copy of ConnectorKit (its box is a foreign type); link the shared libConnectorKit.so")
        }
        let connector: any Connector
        do {
            connector = try box.makeConnector()
        } catch {
            return fail("factory failed: \(error)")
        }
        let name = connector.metadata.name
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            return fail("invalid plugin name '\(name)' (letters, digits, - and _ only)")
        }
        return .success(LoadedPlugin(path: path, connector: connector))
    }

    /// Says what is wrong when `path` is not a readable 64-bit ELF shared object.
    static func elfProblem(path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return access(path, F_OK) == 0 ? "cannot be read (permission denied)" : "does not exist"
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 18)) ?? Data()
        if header.isEmpty { return "empty file, not a shared library" }
        guard header.count >= 18, header.prefix(4) == Data([0x7F, 0x45, 0x4C, 0x46]) else {
            return "not an ELF shared library"
        }
        let type = UInt16(header[16]) | UInt16(header[17]) << 8
        guard type == 3 else { return "an ELF file but not a shared library (type \(type))" }
        return nil
    }
}
