import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost sync <plugin>`: run a connector and write a snapshot.
enum SyncCommand: Command {
    static let name = "sync"
    static let summary = "Sync a connector and write a snapshot"
    static let usage = """
    connhost sync <plugin> [--<config-field> VALUE]... [--output PATH] [--format sqlite|json|ndjson]
                  [--isolate] [--plugins-dir DIR] [--config FILE]
    """
    static let options = [
        OptionSpec.value("output", "PATH", "snapshot file (default: <plugin>-<UTC time>.<ext>; - for stdout with ndjson)"),
        OptionSpec.value("format", "FORMAT", "sqlite (default), json or ndjson; inferred from --output's extension"),
        OptionSpec.flag("isolate", "run the plugin in a worker process, so a crash cannot take the host down"),
        OptionSpec.value("timeout", "SECONDS", "per-request timeout (default 30)"),
        OptionSpec.value("max-attempts", "N", "attempts per request, retries included (default 6)"),
        OptionSpec.value("concurrency", "N", "concurrent requests per connector (default 4)"),
        OptionSpec.flag("verbose", "log retries and waits on stderr"),
        CommonOptions.json, CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let loose = try ParsedArguments.parse(arguments, options: options, lenient: true)
        if loose.has("help") && loose.positionals.isEmpty {
            let catalog = try? CommonOptions.catalog(loose, invocation, reportFailures: false)
            invocation.out(help(extra: PluginHelp.fields(of: catalog?.result.plugins ?? [])))
            return 0
        }
        guard let pluginName = loose.positionals.first else {
            throw HostError.usage("sync needs a plugin name (see connhost list-plugins)")
        }
        guard loose.positionals.count == 1 else {
            throw HostError.usage("unexpected argument '\(loose.positionals[1])'")
        }
        let catalog = try CommonOptions.catalog(loose, invocation)
        let plugin = try catalog.plugin(named: pluginName)
        let parsed = try ParsedArguments.parse(arguments, options: options + PluginHelp.options(of: plugin))
        if parsed.has("help") { invocation.out(help(extra: PluginHelp.fields(of: [plugin]))); return 0 }

        let syncOptions = try makeSyncOptions(parsed, invocation)
        let config = try ConfigResolver(flags: parsed.values, environment: invocation.environment,
                                        hostConfiguration: catalog.configuration).resolve(plugin.metadata)
        let (format, output) = try destination(parsed, plugin: plugin, configuration: catalog.configuration)
        let sink = try format.makeSink(destination: output)
        let secrets = ConfigResolver.secrets(of: config, plugin.metadata)
        let context = syncOptions.makeContext(secrets: secrets)

        let started = Date()
        let unchanged = FileManager.default.fileExists(atPath: output) ? "; \(output) was not changed" : ""
        InterruptHandler.install { signo in
            let name = signo == SIGINT ? "SIGINT" : "SIGTERM"
            return "connhost: \(plugin.metadata.name): interrupted by \(name) after "
                + String(format: "%.1fs", Date().timeIntervalSince(started)) + ", nothing written\(unchanged)"
        }
        let summary: SyncSummary
        do {
            if parsed.has("isolate") {
                summary = try IsolatedSync(executable: invocation.executablePath, pluginPath: plugin.path,
                                           pluginName: plugin.metadata.name, options: syncOptions)
                    .run(config: config, into: sink, pluginVersion: plugin.metadata.version)
            } else {
                let session = try plugin.connector.makeSession(config: config, context: context)
                let progress = SyncProgress.forTerminal(connector: plugin.metadata.name)
                defer { progress?.finish() }
                summary = try await SyncEngine(metadata: plugin.metadata, session: session, context: context,
                                               progress: progress).run(into: sink)
            }
        } catch {
            invocation.err(ErrorReport.message(for: error, connector: plugin.metadata.name, redact: context.redact) + unchanged)
            return ErrorReport.status(for: error)
        }
        for warning in summary.warnings { invocation.err("warning: \(plugin.metadata.name): \(warning)") }
        if parsed.has("json") {
            struct Report: Encodable { var summary: SyncSummary; var output: String; var format: String }
            try invocation.outJSON(Report(summary: summary, output: output, format: format.rawValue))
        } else if output != "-" {
            invocation.out("\(summary.line) -> \(output)")
        } else {
            FileHandle.standardError.write(Data("\(summary.line)\n".utf8))
        }
        return 0
    }

    static func makeSyncOptions(_ parsed: ParsedArguments, _ invocation: Invocation) throws -> SyncOptions {
        var options = SyncOptions(environment: invocation.environment)
        func positive<T: LosslessStringConvertible & Comparable & Numeric>(_ name: String, _ type: T.Type) throws -> T? {
            guard let text = parsed.values[name] else { return nil }
            guard let value = T(text), value > 0 else { throw HostError.usage("--\(name) needs a positive number, not '\(text)'") }
            return value
        }
        if let value = try positive("timeout", Double.self) { options.requestTimeout = value }
        if let value = try positive("max-attempts", Int.self) { options.maxAttempts = value }
        if let value = try positive("concurrency", Int.self) { options.concurrency = value }
        if parsed.has("verbose") { options.verbose = true }
        return options
    }

    static func destination(_ parsed: ParsedArguments, plugin: LoadedPlugin,
                            configuration: HostConfiguration) throws -> (SnapshotFormat, String) {
        let explicitFormat = try parsed.values["format"].map(SnapshotFormat.parse)
        if let output = parsed.values["output"] {
            let configured = try configuration.outputFormat.map(SnapshotFormat.parse)
            let format = explicitFormat ?? SnapshotFormat.inferred(fromPath: output)
                ?? (output == "-" ? .ndjson : configured ?? .sqlite)
            return (format, output)
        }
        let format = try explicitFormat ?? configuration.outputFormat.map(SnapshotFormat.parse) ?? .sqlite
        let directory = configuration.outputDirectory ?? FileManager.default.currentDirectoryPath
        let name = "\(plugin.metadata.name)-\(Timestamp.compact(Date())).\(format.fileExtension)"
        return (format, (directory as NSString).appendingPathComponent(name))
    }
}
