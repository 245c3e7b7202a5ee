import ConnectorKit
import Foundation

/// How a command that runs plugins (`sync`, `validate`, `auth`, `check-plugin`) gets from
/// its arguments to configured plugins: the host configuration located, the plugins
/// loaded (by name from the catalog, or one file), the arguments parsed against the
/// command's options plus the plugins' config flags, and each plugin's configuration and
/// context resolved.
///
/// Parsing happens twice because a plugin's flags are known only once it is loaded: a
/// lenient pass finds `--config`, `--plugins-dir` and the positionals, a strict pass
/// rejects any option that neither the command nor its plugins have.
public struct PluginInvocation {
    /// How the command names its plugins.
    public enum Plugins {
        /// One plugin name, the only positional.
        case one
        /// One or more plugin names, each at most once; config flags of several plugins
        /// may be scoped (`--aha.base-url`).
        case several
    }

    /// The arguments, parsed strictly once the plugins are known.
    public let arguments: ParsedArguments
    /// The plugins named, in order; empty when only help was asked for.
    public let plugins: [LoadedPlugin]
    /// The host configuration in force (`--config`, `$CONNHOST_CONFIG`, `./host-config.json`),
    /// or why it could not be read (a plugin given as a file may be checked without one).
    private let located: Result<HostConfiguration, any Error>
    /// The process environment.
    public let environment: [String: String]
    /// The catalog the plugins came from (`nil` for a plugin given as a file, or when
    /// help was asked for and the plugins could not be loaded).
    public let catalog: PluginCatalog?
    /// The plugin file given and what loading it gave (`nil` unless the command takes a file).
    public let pluginFile: (path: String, loaded: Result<LoadedPlugin, PluginLoadFailure>)?

    /// Whether `--help` was given: print the command's help (with its plugins' flags).
    public var wantsHelp: Bool { arguments.has("help") }

    /// Resolves plugins named by the positionals from the catalog. With `--help` and no
    /// name, returns no plugins (and the catalog, if it loads); with neither, throws the
    /// usage error `missing`.
    public init(arguments: [String], options: [OptionSpec], plugins: Plugins, missing: @autoclosure () -> String,
                environment: [String: String], executableDirectory: String) throws {
        let loose = try ParsedArguments.parse(arguments, options: options, lenient: true)
        func loadCatalog() throws -> PluginCatalog {
            try PluginCatalog(configFlag: loose.values["config"], pluginsDirectoryFlag: loose.values["plugins-dir"],
                              environment: environment, executableDirectory: executableDirectory, reportFailures: false)
        }
        self.environment = environment
        let names = loose.positionals
        guard !names.isEmpty else {
            guard loose.has("help") else { throw HostError.usage(missing()) }
            self.arguments = loose
            self.plugins = []
            pluginFile = nil
            let catalog = try? loadCatalog()
            self.catalog = catalog
            located = .success(catalog?.configuration ?? HostConfiguration())
            return
        }
        switch plugins {
        case .one:
            guard names.count == 1 else { throw HostError.usage("unexpected argument '\(names[1])'") }
        case .several:
            if let repeated = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw HostError.usage("plugin '\(repeated)' is named twice")
            }
        }
        let catalog = try loadCatalog()
        let loaded = try names.map { try catalog.plugin(named: $0) }
        let pluginOptions = loaded.flatMap { PluginOptions.options(of: $0, scoped: loaded.count > 1) }
        self.arguments = try ParsedArguments.parse(arguments, options: options + pluginOptions)
        self.plugins = loaded
        self.catalog = catalog
        pluginFile = nil
        located = .success(catalog.configuration)
        if !wantsHelp { try PluginOptions.requireScopedSecrets(of: loaded, in: self.arguments.values) }
    }

    /// Loads the plugin file that is the only positional with ``PluginLoader/load(path:)``,
    /// as the host loads plugins, but reports a failure instead of throwing it (its config
    /// flags are then unknown, and kept as given). With `--help` and no file, loads none;
    /// with neither, throws the usage error `missing`.
    public init(arguments: [String], options: [OptionSpec], pluginFile missing: @autoclosure () -> String,
                environment: [String: String]) throws {
        let loose = try ParsedArguments.parse(arguments, options: options, lenient: true)
        self.environment = environment
        catalog = nil
        located = Result { try HostConfiguration.locate(flag: loose.values["config"], environment: environment) }
        guard let path = loose.positionals.first else {
            guard loose.has("help") else { throw HostError.usage(missing()) }
            self.arguments = loose
            plugins = []
            pluginFile = nil
            return
        }
        guard loose.positionals.count == 1 else { throw HostError.usage("unexpected argument '\(loose.positionals[1])'") }
        guard FileManager.default.fileExists(atPath: path) else { throw HostError.usage("\(path) does not exist") }
        let loaded = PluginLoader.load(path: path)
        let plugin = try? loaded.get()
        self.arguments = try plugin.map { try ParsedArguments.parse(arguments, options: options + PluginOptions.options(of: $0)) } ?? loose
        plugins = plugin.map { [$0] } ?? []
        pluginFile = (path, loaded)
    }

    /// The host configuration in force (`--config`, `$CONNHOST_CONFIG`, `./host-config.json`).
    public func hostConfiguration() throws -> HostConfiguration {
        try located.get()
    }

    /// The sync options of the environment, then of the flags the command declares
    /// (``SyncOptions/flags``).
    public func syncOptions() throws -> SyncOptions {
        try SyncOptions(environment: environment, arguments: arguments)
    }

    /// Whether any config value of `plugin` is given, by flag, environment variable or
    /// host configuration (before defaults).
    public func givesConfiguration(for plugin: LoadedPlugin) throws -> Bool {
        let flags = PluginOptions.flags(for: plugin, in: arguments.values)
        let fromFile = try hostConfiguration().connectors[plugin.metadata.name] ?? [:]
        return plugin.metadata.configFields.contains {
            flags[$0.name] != nil || environment[$0.env]?.isEmpty == false || fromFile[$0.name] != nil
        }
    }

    /// The configuration of `plugin`: its flags, then environment, host configuration and
    /// defaults; a missing required field or an unknown host-configuration key is a usage error.
    public func configuration(for plugin: LoadedPlugin) throws -> ConnectorConfiguration {
        try ConfigResolver(flags: PluginOptions.flags(for: plugin, in: arguments.values), environment: environment,
                           hostConfiguration: hostConfiguration()).resolve(plugin.metadata)
    }

    /// `plugin` with its configuration and a context under `options`.
    public func configure(_ plugin: LoadedPlugin, options: SyncOptions) throws -> ConfiguredPlugin {
        ConfiguredPlugin(plugin: plugin, config: try configuration(for: plugin), options: options)
    }
}
