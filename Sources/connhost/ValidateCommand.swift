import ConnectorHost
import ConnectorKit

/// `connhost validate <instance>`: check the configuration and credentials with one cheap call.
enum ValidateCommand: Command {
    static let name = "validate"
    static let summary = "Check a connector's configuration and credentials with one cheap call"
    static let usage = "connhost validate <instance> [--<config-field> VALUE]... [--plugins-dir DIR] [--config FILE]"
    static let options = [
        OptionSpec.value("timeout", "SECONDS", "per-request timeout (default 30)"),
        CommonOptions.json, CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let loose = try ParsedArguments.parse(arguments, options: options, lenient: true)
        guard let pluginName = loose.positionals.first else {
            if loose.has("help") { invocation.out(help()); return 0 }
            throw HostError.usage("validate needs an instance or plugin name (see connhost connectors, connhost list-plugins)")
        }
        let catalog = try CommonOptions.catalog(loose, invocation)
        let target = try catalog.target(named: pluginName)
        let plugin = target.plugin
        let parsed = try ParsedArguments.parse(arguments, options: options + PluginHelp.options(of: plugin))
        if parsed.has("help") { invocation.out(help(extra: PluginHelp.fields(of: [plugin]))); return 0 }

        var syncOptions = try SyncOptions(environment: invocation.environment)
        syncOptions.maxAttempts = 2
        if let value = try parsed.bounded("timeout", in: SyncOptions.timeoutRange, unit: "seconds") {
            syncOptions.requestTimeout = value
        }
        let config = try ConfigResolver(flags: parsed.values, environment: invocation.environment,
                                        hostConfiguration: catalog.configuration).resolve(plugin.metadata, instance: target.instance)
        let context = syncOptions.makeContext(secrets: ConfigResolver.secrets(of: config, plugin.metadata))
        do {
            let session = try plugin.connector.makeSession(config: config, context: context)
            let reached = try await session.validate()
            if parsed.has("json") {
                try invocation.outJSON(["instance": target.name, "plugin": plugin.metadata.name, "status": "ok",
                                        "reached": context.redact(reached)])
            } else {
                invocation.out("\(target.name): OK, \(context.redact(reached))")
            }
            return 0
        } catch {
            invocation.err(ErrorReport.message(for: error, connector: target.name, redact: context.redact))
            return ErrorReport.status(for: error)
        }
    }
}
