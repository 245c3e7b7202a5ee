import ConnectorHost
import ConnectorKit

/// `connhost validate <plugin>`: check the configuration and credentials with one cheap call.
enum ValidateCommand: Command {
    static let name = "validate"
    static let summary = "Check a connector's configuration and credentials with one cheap call"
    static let usage = "connhost validate <plugin> [--<config-field> VALUE]... [--plugins-dir DIR] [--config FILE]"
    static let options = [
        SyncOptions.timeoutFlag, CommonOptions.json, CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let resolved = try PluginInvocation(arguments: arguments, options: options, plugins: .one,
                                            missing: "validate needs a plugin name (see connhost list-plugins)",
                                            environment: invocation.environment,
                                            executableDirectory: invocation.executableDirectory)
        guard let plugin = resolved.plugins.first else { invocation.out(help()); return 0 }
        if resolved.wantsHelp { invocation.out(help(extra: PluginHelp.fields(of: [plugin]))); return 0 }
        var syncOptions = try resolved.syncOptions()
        syncOptions.maxAttempts = 2
        let connector = try resolved.configure(plugin, options: syncOptions)
        let context = connector.context
        do {
            let session = try connector.makeSession()
            let reached = try await session.validate()
            if resolved.arguments.has("json") {
                try invocation.outJSON(["plugin": plugin.metadata.name, "status": "ok", "reached": context.redact(reached)])
            } else {
                invocation.out("\(plugin.metadata.name): OK, \(context.redact(reached))")
            }
            return 0
        } catch {
            invocation.err(ErrorReport.message(for: error, connector: plugin.metadata.name, redact: context.redact))
            return ErrorReport.status(for: error)
        }
    }
}
