import ConnectorKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds `lib*Connector.so` files and loads each one without trusting it.
///
/// Checks run in this order, and the first that fails skips the file with one line:
/// a trusted directory → a regular file, owned by root or the user and writable by no one
/// else → an ELF shared object whose headers fit the file (``PluginFileCheck``) → `dlopen`
/// → the ABI version symbol and its value → the entry symbol → one shared ConnectorKit →
/// the box cast → the factory → a name no other file in the directory declares (two
/// files declaring one name are both refused; across directories the search order wins).
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

    /// Loads every candidate in every directory; an untrusted directory is skipped whole.
    public func loadAll() -> Result {
        var result = Result()
        var seen = Set<String>()
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            if let problem = PluginFileCheck.directoryProblem(directory) {
                result.failures.append(PluginLoadFailure(path: directory, reason: problem, stage: .directory))
                continue
            }
            var loaded: [LoadedPlugin] = []
            for name in names.sorted() where Self.isCandidate(name) {
                let path = (directory as NSString).appendingPathComponent(name)
                let resolved = (path as NSString).resolvingSymlinksInPath
                guard seen.insert(resolved).inserted else { continue }
                switch Self.load(path: path) {
                case .success(let plugin): loaded.append(plugin)
                case .failure(let failure): result.failures.append(failure)
                }
            }
            for plugin in loaded {
                let name = plugin.metadata.name
                let twins = loaded.filter { $0.metadata.name == name && $0.path != plugin.path }
                if !twins.isEmpty {
                    let others = twins.map { ($0.path as NSString).lastPathComponent }.joined(separator: ", ")
                    result.failures.append(PluginLoadFailure(
                        path: plugin.path, reason: "declares the name '\(name)', as does \(others) in the same directory; "
                            + "neither is loaded: remove one of them", stage: .duplicateName))
                } else if let other = result.plugins.first(where: { $0.metadata.name == name }) {
                    result.failures.append(PluginLoadFailure(
                        path: plugin.path, reason: "name '\(name)' is already taken by \(other.path); skipped",
                        stage: .duplicateName))
                } else {
                    result.plugins.append(plugin)
                }
            }
        }
        result.failures.sort { ($0.stage == .directory ? 0 : 1, $0.path) < ($1.stage == .directory ? 0 : 1, $1.path) }
        return result
    }

    /// Loads one file, or says why not.
    public static func load(path: String) -> Swift.Result<LoadedPlugin, PluginLoadFailure> {
        func fail(_ reason: String, _ stage: PluginLoadFailure.Stage = .entry) -> Swift.Result<LoadedPlugin, PluginLoadFailure> {
            .failure(PluginLoadFailure(path: path, reason: reason, stage: stage))
        }
        if let problem = PluginFileCheck.fileProblem(path) { return fail(problem, .file) }

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
}
