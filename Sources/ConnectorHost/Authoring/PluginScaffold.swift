import Foundation

/// Puts a new plugin package on disk for `connhost new-plugin`: finds the ConnectorKit to
/// build against, refuses names and directories that are taken, and writes every file at
/// once (a temporary sibling renamed into place, so a failure leaves nothing half-written).
public enum PluginScaffold {
    /// Where a ConnectorKit package sits inside a connhost checkout.
    static let kitInCheckout = "Packages/ConnectorKit"

    /// The ConnectorKit package of the checkout that holds `directory`: the first
    /// `Packages/ConnectorKit/Package.swift` found walking up from it, e.g. from the
    /// executable's `.build/<triple>/debug/`.
    public static func locateKit(above directory: String) -> String? {
        var current = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        while true {
            let candidate = current.appendingPathComponent(kitInCheckout)
            if isKit(candidate.path) { return candidate.path }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    /// The ConnectorKit package given as `--kit`, made absolute.
    /// - Throws: ``HostError/usage(_:)`` when `path` is not a ConnectorKit package.
    public static func kit(at path: String) throws -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        guard isKit(absolute) else {
            throw HostError.usage("--kit \(path) is not the ConnectorKit package (no Package.swift declaring ConnectorKit)")
        }
        return absolute
    }

    static func isKit(_ directory: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: directory + "/Package.swift") else { return false }
        return String(decoding: data, as: UTF8.self).contains(#"name: "ConnectorKit""#)
    }

    /// The plugins that already exist, by plugin name: the shipped ones in the checkout of
    /// `kitPath` (`Plugins/<Name>Connector`), then `loaded` (name → file).
    public static func existingPlugins(kitPath: String, loaded: [(name: String, path: String)]) -> [(name: String, place: String)] {
        var found: [(name: String, place: String)] = []
        if kitPath.hasSuffix("/" + kitInCheckout) {
            let plugins = String(kitPath.dropLast(kitInCheckout.count)) + "Plugins"
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: plugins)) ?? []).sorted()
            for entry in entries where entry.hasSuffix("Connector") && entry != "Connector" {
                if let name = try? PluginName(String(entry.dropLast("Connector".count))) {
                    found.append((name.pluginName, plugins + "/" + entry))
                }
            }
        }
        return found + loaded.map { ($0.name, $0.path) }
    }

    /// Whether two plugin names would be confused: equal once case, `-` and `_` are ignored
    /// (`CodeFresh` must not become a second `codefresh`).
    public static func clash(_ a: String, _ b: String) -> Bool {
        func key(_ name: String) -> String { name.lowercased().filter { $0 != "-" && $0 != "_" } }
        return key(a) == key(b)
    }

    /// Writes `template` into the new directory `directory`.
    /// - Throws: ``HostError/usage(_:)`` when `directory` exists (nothing is ever
    ///   overwritten), ``HostError/failed(_:)`` when the files cannot be written.
    /// - Returns: the absolute package directory.
    @discardableResult
    public static func write(_ template: PluginTemplate, to directory: String) throws -> String {
        let fileManager = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            throw HostError.usage("\(directory) already exists; new-plugin never overwrites (choose another --dir)")
        }
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).new-\(UUID().uuidString.prefix(8))")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            for file in template.files {
                let url = staging.appendingPathComponent(file.path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url)
            }
            try fileManager.moveItem(at: staging, to: target)
        } catch {
            try? fileManager.removeItem(at: staging)
            throw HostError.failed("cannot write \(directory): \(error.localizedDescription)")
        }
        return target.path
    }
}
