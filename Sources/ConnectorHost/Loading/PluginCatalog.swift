import ConnectorKit
import Foundation

/// The plugins a command works with: host configuration located, directories searched,
/// every plugin loaded, and every failure reported once on stderr.
public struct PluginCatalog {
    /// The host configuration in force.
    public let configuration: HostConfiguration
    /// The directories searched, in order.
    public let directories: [String]
    /// What loaded and what did not.
    public let result: PluginLoader.Result

    /// Locates the configuration, loads all plugins and prints one line per failure.
    public init(configFlag: String?, pluginsDirectoryFlag: String?, environment: [String: String],
                executableDirectory: String, reportFailures: Bool = true) throws {
        configuration = try HostConfiguration.locate(flag: configFlag, environment: environment)
        directories = configuration.pluginDirectories(flag: pluginsDirectoryFlag, environment: environment,
                                                      executableDirectory: executableDirectory)
        // A directory given by flag or variable must exist; any searched directory that
        // exists must be trusted, or nothing is loaded at all (exit 2, with the fix).
        let explicit = !(pluginsDirectoryFlag ?? environment["CONNHOST_PLUGINS_DIR"] ?? "").isEmpty
        for directory in directories where explicit || FileManager.default.fileExists(atPath: directory) {
            if let problem = PluginFileCheck.directoryProblem(directory) { throw HostError.usage(problem) }
        }
        result = PluginLoader(directories: directories).loadAll()
        if reportFailures {
            for failure in result.failures {
                FileHandle.standardError.write(Data("connhost: \(failure)\n".utf8))
            }
        }
    }

    /// The plugin named `name`, or a usage error listing the ones there are (and the
    /// files that failed to load, since the wanted one may be among them).
    public func plugin(named name: String) throws -> LoadedPlugin {
        if let plugin = result.plugin(named: name) { return plugin }
        for failure in result.failures {
            FileHandle.standardError.write(Data("connhost: \(failure)\n".utf8))
        }
        let names = result.plugins.map(\.metadata.name)
        let hint = ParsedArguments.closest(to: name, in: names).map { "; did you mean '\($0)'?" }
            ?? (names.isEmpty ? "; no plugins found in \(directories.joined(separator: ", "))"
                              : "; available: \(names.joined(separator: ", "))")
        throw HostError.usage("no plugin named '\(name)'\(hint)")
    }
}
