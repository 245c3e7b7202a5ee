import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost sync <plugin>...`: run one or more connectors concurrently, each into its own snapshot.
enum SyncCommand: Command {
    static let name = "sync"
    static let summary = "Sync one or more connectors and write a snapshot each"
    static let usage = """
    connhost sync <plugin>... [--<config-field> VALUE]... [--<plugin>.<config-field> VALUE]...
                  [--output PATH|DIR] [--format sqlite|json|ndjson|c1z] [--isolate] [--plugins-dir DIR] [--config FILE]
    """
    static let options = [
        OptionSpec.value("output", "PATH", "snapshot file (default: <plugin>-<UTC time>.<ext>; - for stdout with ndjson); a directory with several plugins"),
        OptionSpec.value("format", "FORMAT", "sqlite (default), json, ndjson or c1z (Baton); inferred from --output's extension"),
        OptionSpec.flag("isolate", "run each plugin in a worker process, so a crash cannot take the host down"),
        OptionSpec.value("timeout", "SECONDS", "per-request timeout (default 30)"),
        OptionSpec.value("max-attempts", "N", "attempts per request, retries included (default 6)"),
        OptionSpec.value("concurrency", "N", "pages fetched ahead concurrently per connector (default 4)"),
        OptionSpec.value("rate-limit", "RATE", "requests to stay under for every plugin, e.g. 20/s or 300/min (default: each plugin's own)"),
        OptionSpec.flag("verbose", "log retries and waits on stderr"),
        CommonOptions.json, CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help,
    ]

    /// One connector's part of a run, fully resolved before any sync starts.
    struct Job {
        var plugin: LoadedPlugin
        var config: ConnectorConfiguration
        var format: SnapshotFormat
        var output: String
        var context: ConnectorContext
        /// The suffix of a failure message: whether a previous snapshot is still there.
        var unchanged: String
        var name: String { plugin.metadata.name }
    }

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let loose = try ParsedArguments.parse(arguments, options: options, lenient: true)
        if loose.has("help") && loose.positionals.isEmpty {
            let catalog = try? CommonOptions.catalog(loose, invocation, reportFailures: false)
            invocation.out(help(extra: PluginHelp.fields(of: catalog?.result.plugins ?? [])))
            return 0
        }
        guard !loose.positionals.isEmpty else {
            throw HostError.usage("sync needs a plugin name (see connhost list-plugins)")
        }
        if let repeated = Dictionary(grouping: loose.positionals, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw HostError.usage("plugin '\(repeated)' is named twice")
        }
        let catalog = try CommonOptions.catalog(loose, invocation)
        let plugins = try loose.positionals.map { try catalog.plugin(named: $0) }
        let pluginOptions = plugins.flatMap { PluginHelp.options(of: $0, scoped: plugins.count > 1) }
        let parsed = try ParsedArguments.parse(arguments, options: options + pluginOptions)
        if parsed.has("help") { invocation.out(help(extra: PluginHelp.fields(of: plugins))); return 0 }
        try PluginHelp.requireScopedSecrets(of: plugins, in: parsed.values)

        let syncOptions = try makeSyncOptions(parsed, invocation)
        let outputs = try destinations(parsed, plugins: plugins, configuration: catalog.configuration)
        let jobs = try zip(plugins, outputs).map { plugin, destination in
            let config = try ConfigResolver(flags: PluginHelp.flags(for: plugin, in: parsed.values),
                                            environment: invocation.environment,
                                            hostConfiguration: catalog.configuration).resolve(plugin.metadata)
            return Job(plugin: plugin, config: config, format: destination.0, output: destination.1,
                       context: syncOptions.makeContext(secrets: ConfigResolver.secrets(of: config, plugin.metadata)),
                       unchanged: FileManager.default.fileExists(atPath: destination.1) ? "; \(destination.1) was not changed" : "")
        }

        let started = Date()
        InterruptHandler.install { signo in
            let signal = signo == SIGINT ? "SIGINT" : "SIGTERM"
            let after = String(format: "%.1fs", Date().timeIntervalSince(started))
            return jobs.map { "connhost: \($0.name): interrupted by \(signal) after \(after), nothing written\($0.unchanged)" }
                .joined(separator: "\n")
        }
        let isolate = parsed.has("isolate")
        let showProgress = jobs.count == 1
        let results = await withTaskGroup(of: (Int, Result<SyncSummary, any Error>).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    (index, await runJob(job, isolate: isolate, options: syncOptions, progress: showProgress, invocation: invocation))
                }
            }
            var results = [Result<SyncSummary, any Error>?](repeating: nil, count: jobs.count)
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }

        var status: Int32 = 0
        var reports: [Report] = []
        for (job, result) in zip(jobs, results) {
            switch result {
            case .success(let summary):
                for warning in summary.warnings { invocation.err("warning: \(job.name): \(warning)") }
                reports.append(Report(summary: summary, output: job.output, format: job.format.rawValue, error: nil))
                if !parsed.has("json") {
                    if job.output == "-" {
                        FileHandle.standardError.write(Data("\(summary.line)\n".utf8))
                    } else {
                        invocation.out("\(summary.line) -> \(job.output)")
                    }
                }
            case .failure(let error):
                let message = ErrorReport.message(for: error, connector: job.name, redact: job.context.redact) + job.unchanged
                invocation.err(message)
                reports.append(Report(summary: nil, output: job.output, format: job.format.rawValue, error: message))
                status = max(status, ErrorReport.status(for: error))
            }
        }
        if parsed.has("json") {
            if reports.count == 1 { try invocation.outJSON(reports[0]) } else { try invocation.outJSON(reports) }
        }
        return status
    }

    /// What `--json` prints per connector.
    struct Report: Encodable {
        var summary: SyncSummary?
        var output: String
        var format: String
        var error: String?
    }

    static func runJob(_ job: Job, isolate: Bool, options: SyncOptions, progress showProgress: Bool,
                       invocation: Invocation) async -> Result<SyncSummary, any Error> {
        let sink: any SnapshotSink
        do {
            sink = try job.format.makeSink(destination: job.output)
        } catch {
            return .failure(error)
        }
        if isolate {
            // The worker's pipe is read with blocking calls: keep them off the cooperative pool.
            return await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(returning: Result {
                        try IsolatedSync(executable: invocation.executablePath, pluginPath: job.plugin.path,
                                         pluginName: job.name, options: options)
                            .run(config: job.config, into: sink, pluginVersion: job.plugin.metadata.version)
                    })
                }
            }
        }
        do {
            let session = try job.plugin.connector.makeSession(config: job.config, context: job.context)
            let progress = showProgress ? SyncProgress.forTerminal(connector: job.name) : nil
            defer { progress?.finish() }
            return .success(try await SyncEngine(metadata: job.plugin.metadata, session: session, context: job.context,
                                                 progress: progress).run(into: sink))
        } catch {
            return .failure(error)
        }
    }

    static func makeSyncOptions(_ parsed: ParsedArguments, _ invocation: Invocation) throws -> SyncOptions {
        var options = try SyncOptions(environment: invocation.environment)
        if let value = try parsed.bounded("timeout", in: SyncOptions.timeoutRange, unit: "seconds") { options.requestTimeout = value }
        if let value = try parsed.bounded("max-attempts", in: SyncOptions.maxAttemptsRange) { options.maxAttempts = value }
        if let value = try parsed.bounded("concurrency", in: SyncOptions.concurrencyRange) { options.concurrency = value }
        if let text = parsed.values["rate-limit"] { options.rateLimits = [try SyncOptions.rateLimit(text, option: "--rate-limit")] }
        if parsed.has("verbose") { options.verbose = true }
        return options
    }

    /// Format and output path per plugin. With several plugins `--output` must be a directory.
    static func destinations(_ parsed: ParsedArguments, plugins: [LoadedPlugin],
                             configuration: HostConfiguration) throws -> [(SnapshotFormat, String)] {
        let explicitFormat = try parsed.values["format"].map(SnapshotFormat.parse)
        let configured = try configuration.outputFormat.map(SnapshotFormat.parse)
        var directory = configuration.outputDirectory ?? FileManager.default.currentDirectoryPath
        if let output = parsed.values["output"] {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory)
            if plugins.count > 1 {
                guard output != "-", exists, isDirectory.boolValue else {
                    throw HostError.usage("with several plugins, --output must be an existing directory")
                }
                directory = output
            } else if !(exists && isDirectory.boolValue) {
                let format = explicitFormat ?? SnapshotFormat.inferred(fromPath: output)
                    ?? (output == "-" ? .ndjson : configured ?? .sqlite)
                return [(format, output)]
            } else {
                directory = output
            }
        }
        let format = explicitFormat ?? configured ?? .sqlite
        let stamp = Timestamp.compact(Date())
        return plugins.map { plugin in
            (format, (directory as NSString).appendingPathComponent("\(plugin.metadata.name)-\(stamp).\(format.fileExtension)"))
        }
    }
}
