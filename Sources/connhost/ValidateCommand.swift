import ConnectorHost
import ConnectorKit

/// `connhost validate <instance>`: check the configuration and credentials with one cheap call.
enum ValidateCommand: Command {
    static let name = "validate"
    static let summary = "Check a connector's configuration and credentials with one cheap call"
    static let usage = "connhost validate <instance> [--<config-field> VALUE]... [--plugins-dir DIR] [--config FILE]"
    static let options = [
        SyncOptions.timeoutFlag, CommonOptions.json, CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let resolved = try PluginInvocation(arguments: arguments, options: options, plugins: .one,
                                            missing: "validate needs an instance or plugin name (see connhost connectors, connhost list-plugins)",
                                            environment: invocation.environment,
                                            executableDirectory: invocation.executableDirectory)
        guard let target = resolved.targets.first else { invocation.out(help()); return 0 }
        let plugin = target.plugin
        if resolved.wantsHelp { invocation.out(help(extra: PluginHelp.fields(of: [plugin]))); return 0 }
        var syncOptions = try resolved.syncOptions()
        syncOptions.maxAttempts = 2
        let connector = try resolved.configure(target, options: syncOptions)
        let context = connector.context
        do {
            let session = try connector.makeSession()
            let reached = try await session.validate()
            if resolved.arguments.has("json") {
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
