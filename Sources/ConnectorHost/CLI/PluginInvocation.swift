import ConnectorKit
import Foundation

/// How a command that runs plugins (`sync`, `validate`, `auth`, `check-plugin`) gets from
/// its arguments to configured connectors: the host configuration located, the connector
/// instances named (or `--all`) and their plugins loaded (or one plugin file), the
/// arguments parsed against the command's options plus the plugins' config flags, and each
/// instance's configuration and context resolved.
///
/// Parsing happens twice because a plugin's flags are known only once it is loaded: a
/// lenient pass finds `--config`, `--plugins-dir` and the positionals, a strict pass
/// rejects any option that neither the command nor its plugins have.
public struct PluginInvocation {
    /// How the command names its plugins.
    public enum Plugins {
        /// One instance (or plugin) name, the only positional.
        case one
        /// One or more instance names, each at most once, or `--all` when the command has
        /// that flag; config flags of several instances may be scoped (`--acme.base-url`).
        case several
    }

    /// The arguments, parsed strictly once the plugins are known.
    public let arguments: ParsedArguments
    /// The connector instances named, in order; empty when only help was asked for, or
    /// for a plugin given as a file.
    public let targets: [ConnectorTarget]
    /// Their plugins (or the plugin file's), in order.
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
        let all = loose.has("all")
        guard !names.isEmpty || all else {
            guard loose.has("help") else { throw HostError.usage(missing()) }
            self.arguments = loose
            self.plugins = []
            self.targets = []
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
            if all && !names.isEmpty {
                throw HostError.usage("--all syncs every configured instance; name instances or give --all, not both")
            }
            if let repeated = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw HostError.usage("'\(repeated)' is named twice")
            }
        }
        let catalog = try loadCatalog()
        let targets = all ? try catalog.allTargets() : try names.map(catalog.target(named:))
        let pluginOptions = targets.flatMap { PluginOptions.options(of: $0.plugin, scope: targets.count > 1 ? $0.name : nil) }
        self.arguments = try ParsedArguments.parse(arguments, options: options + pluginOptions)
        self.targets = targets
        self.plugins = targets.map(\.plugin)
        self.catalog = catalog
        pluginFile = nil
        located = .success(catalog.configuration)
        if !wantsHelp { try PluginOptions.requireScopedSecrets(of: targets, in: self.arguments.values) }
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
        targets = []
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

    /// The plugin's own default instance (a plugin given as a file is one).
    private func defaultTarget(of plugin: LoadedPlugin) throws -> ConnectorTarget {
        try targets.first { $0.plugin.path == plugin.path }
            ?? ConnectorTarget(instance: hostConfiguration().instance(named: plugin.metadata.name), plugin: plugin)
    }

    /// Whether any config value of `plugin` is given, by flag, environment variable or
    /// host configuration (before defaults).
    public func givesConfiguration(for plugin: LoadedPlugin) throws -> Bool {
        let target = try defaultTarget(of: plugin)
        let flags = PluginOptions.flags(for: target, in: arguments.values)
        return plugin.metadata.configFields.contains {
            flags[$0.name] != nil || environment[$0.env]?.isEmpty == false
                || target.instance.values[$0.name] != nil || target.instance.references[$0.name] != nil
        }
    }

    /// The configuration of `target`: its flags, then (in a run of one) the fields' own
    /// environment variables, the instance in the host configuration, and defaults; a
    /// missing required field, an unknown key, a secret written as a value or a reference
    /// that does not resolve is a usage error.
    public func configuration(for target: ConnectorTarget) throws -> ConnectorConfiguration {
        try ConfigResolver(flags: PluginOptions.flags(for: target, in: arguments.values), environment: environment,
                           hostConfiguration: hostConfiguration())
            .resolve(target.plugin.metadata, instance: target.instance, fieldVariables: targets.count <= 1)
    }

    /// The configuration of `plugin`'s default instance.
    public func configuration(for plugin: LoadedPlugin) throws -> ConnectorConfiguration {
        try configuration(for: try defaultTarget(of: plugin))
    }

    /// `target` with its configuration and a context under `options`, redacting also `moreSecrets`.
    public func configure(_ target: ConnectorTarget, options: SyncOptions, moreSecrets: [String] = []) throws -> ConfiguredPlugin {
        ConfiguredPlugin(plugin: target.plugin, config: try configuration(for: target), options: options, name: target.name,
                         credentialName: target.credentialName, moreSecrets: moreSecrets)
    }

    /// `plugin`'s default instance with its configuration and a context under `options`.
    public func configure(_ plugin: LoadedPlugin, options: SyncOptions) throws -> ConfiguredPlugin {
        try configure(try defaultTarget(of: plugin), options: options)
    }
}
