import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost sync <instance>... | --all`: run one or more connector instances concurrently,
/// each into its own snapshot.
enum SyncCommand: Command {
    static let name = "sync"
    static let summary = "Sync one or more connectors and write a snapshot each"
    static let usage = """
    connhost sync <instance>... | --all [--<config-field> VALUE]... [--<instance>.<config-field> VALUE]...
                  [--output PATH|DIR|postgresql://…] [--format sqlite|json|ndjson|c1z] [--isolate] [--plugins-dir DIR] [--config FILE]
                  [--no-resume] [--resume-within DURATION]
    An instance is one under "connectors" in host-config.json, or a plugin by its own name.
    A file sync keeps a checkpoint (.<instance>.resume.sqlite next to the output) until it
    commits; the next sync of the instance into that directory continues from it.
    """
    static let options = [
        OptionSpec.flag("all", "every instance configured in host-config.json"),
        OptionSpec.value("output", "PATH", "snapshot file (default: <instance>-<UTC time>.<ext>; - for stdout with ndjson); a directory with several instances; or a postgresql://user@host:port/db URL"),
        OptionSpec.value("format", "FORMAT", "sqlite (default), json, ndjson or c1z (Baton); inferred from --output's extension"),
        OptionSpec.flag("isolate", "run each plugin in a worker process, so a crash cannot take the host down"),
        OptionSpec.flag("no-resume", "start over: delete the checkpoint an interrupted sync left"),
        OptionSpec.value("resume-within", "DURATION", "resume only a checkpoint younger than this (default 24h; 30m, 24h, 2d)"),
    ] + SyncOptions.flags + [CommonOptions.json, CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help]

    /// One instance's part of a run, fully resolved before any sync starts.
    struct Job {
        var connector: ConfiguredPlugin
        var destination: SnapshotDestination
        /// The suffix of a failure message: whether a previous snapshot is still there.
        var unchanged: String
        /// Where the sync stages and checkpoints; `nil` when it is not resumable.
        var stagingDirectory: String?
        var name: String { connector.name }
    }

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let resolved = try PluginInvocation(arguments: arguments, options: options, plugins: .several,
                                            missing: "sync needs an instance or plugin name, or --all (see connhost connectors, connhost list-plugins)",
                                            environment: invocation.environment,
                                            executableDirectory: invocation.executableDirectory)
        if resolved.wantsHelp {
            invocation.out(help(extra: PluginHelp.fields(of: resolved.plugins.isEmpty ? resolved.catalog?.result.plugins ?? [] : resolved.plugins)))
            return 0
        }
        let parsed = resolved.arguments
        let syncOptions = try resolved.syncOptions()
        let isolate = parsed.has("isolate")
        let resumePolicy = try makeResumePolicy(parsed)
        let outputs = try destinations(parsed, names: resolved.targets.map(\.name), configuration: try resolved.hostConfiguration())
        let jobs = try zip(resolved.targets, outputs).map { target, destination in
            Job(connector: try resolved.configure(target, options: syncOptions, moreSecrets: destination.secrets),
                destination: destination, unchanged: destination.unchangedNote,
                stagingDirectory: isolate ? nil : destination.stagingDirectory)
        }

        let started = Date()
        InterruptHandler.install { signo in
            let signal = signo == SIGINT ? "SIGINT" : "SIGTERM"
            let after = String(format: "%.1fs", Date().timeIntervalSince(started))
            return jobs.map { "connhost: \($0.name): interrupted by \(signal) after \(after), nothing written\($0.unchanged)" }
                .joined(separator: "\n")
        }
        let showProgress = jobs.count == 1
        let results = await withTaskGroup(of: (Int, Result<SyncSummary, any Error>).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    (index, await runJob(job, isolate: isolate, options: syncOptions, resume: resumePolicy,
                                         progress: showProgress, invocation: invocation))
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
            case .success(var summary):
                if job.name != job.connector.plugin.metadata.name { summary.instance = job.name }
                for warning in summary.warnings { invocation.err("warning: \(job.name): \(warning)") }
                reports.append(Report(summary: summary, output: job.destination.description, format: job.destination.formatName, error: nil))
                if !parsed.has("json") {
                    if job.destination.description == "-" {
                        FileHandle.standardError.write(Data("\(summary.line)\n".utf8))
                    } else {
                        invocation.out("\(summary.line) -> \(job.destination)")
                    }
                }
            case .failure(let error):
                let kept = error as? CheckpointKept
                var message = ErrorReport.message(for: kept?.underlying ?? error, connector: job.name, redact: job.connector.context.redact)
                    + job.unchanged
                if let kept { message += "; the next sync of \(job.name) into \(kept.directory) resumes where this one stopped" }
                invocation.err(message)
                reports.append(Report(summary: nil, output: job.destination.description, format: job.destination.formatName, error: message))
                status = max(status, ErrorReport.status(for: kept?.underlying ?? error))
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

    /// A failed sync whose checkpoint stays for the next run.
    struct CheckpointKept: Error {
        var underlying: any Error
        var directory: String
    }

    static func runJob(_ job: Job, isolate: Bool, options: SyncOptions, resume: StagedSync.Policy, progress showProgress: Bool,
                       invocation: Invocation) async -> Result<SyncSummary, any Error> {
        let sink: any SnapshotSink
        do {
            sink = try job.destination.makeSink()
        } catch {
            return .failure(error)
        }
        if isolate {
            // The worker's pipe is read with blocking calls: keep them off the cooperative pool.
            return await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(returning: Result {
                        try IsolatedSync(executable: invocation.executablePath, pluginPath: job.connector.plugin.path,
                                         pluginName: job.name, options: options,
                                         credentialName: job.connector.credentialName)
                            .run(config: job.connector.config, into: sink, pluginVersion: job.connector.plugin.metadata.version)
                    })
                }
            }
        }
        var staged: StagedSync?
        do {
            let session = try job.connector.makeSession()
            if let directory = job.stagingDirectory {
                staged = try StagedSync(instance: job.name, outputDirectory: directory,
                                        identity: CheckpointIdentity(metadata: job.connector.plugin.metadata, config: job.connector.config),
                                        policy: resume, output: sink)
                if let notice = staged?.notice { invocation.err("\(job.name): \(notice)") }
            }
            let progress = showProgress ? SyncProgress.forTerminal(connector: job.name) : nil
            defer { progress?.finish() }
            let engine = SyncEngine(metadata: job.connector.plugin.metadata, session: session, context: job.connector.context,
                                    progress: progress)
            if let staged { return .success(try await engine.run(staged: staged)) }
            return .success(try await engine.run(into: sink))
        } catch {
            if let staged, staged.keepsCheckpoint, let directory = job.stagingDirectory {
                return .failure(CheckpointKept(underlying: error, directory: directory))
            }
            return .failure(error)
        }
    }

    static func makeResumePolicy(_ parsed: ParsedArguments) throws -> StagedSync.Policy {
        var policy = StagedSync.Policy(resume: !parsed.has("no-resume"))
        if let text = parsed.values["resume-within"] {
            guard policy.resume else { throw HostError.usage("--no-resume and --resume-within contradict each other; give one") }
            policy.maxAge = try DurationText.parse(text, option: "--resume-within")
        }
        return policy
    }

    /// Where each instance's snapshot goes. With several instances `--output` must be a
    /// directory or a PostgreSQL URL (one database holds them all, each run under its
    /// instance's name).
    static func destinations(_ parsed: ParsedArguments, names: [String],
                             configuration: HostConfiguration) throws -> [SnapshotDestination] {
        let explicitFormat = try parsed.values["format"].map(SnapshotFormat.parse)
        if let output = parsed.values["output"], PostgreSQLURL.matches(output) {
            guard explicitFormat == nil else { throw HostError.usage("--format applies to files, not to a PostgreSQL --output") }
            let url = try PostgreSQLURL(output)
            guard url.syncID == nil else { throw HostError.usage("?sync= picks what show and diff read; sync cannot write into an old sync") }
            guard url.connector == nil || names.count == 1 else {
                throw HostError.usage("?connector= names one sync; with several connectors leave it out (each records under its own name)")
            }
            return try names.map { name in
                url.connector != nil ? .postgresql(url)
                    : .postgresql(try PostgreSQLURL(output + (output.contains("?") ? "&" : "?") + "connector=" + name))
            }
        }
        let configured = try configuration.outputFormat.map(SnapshotFormat.parse)
        var directory = configuration.outputDirectory ?? FileManager.default.currentDirectoryPath
        if let output = parsed.values["output"] {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory)
            if names.count > 1 {
                guard output != "-", exists, isDirectory.boolValue else {
                    throw HostError.usage("with several connectors, --output must be an existing directory")
                }
                directory = output
            } else if !(exists && isDirectory.boolValue) {
                let format = explicitFormat ?? SnapshotFormat.inferred(fromPath: output)
                    ?? (output == "-" ? .ndjson : configured ?? .sqlite)
                return [.file(format, path: output)]
            } else {
                directory = output
            }
        }
        let format = explicitFormat ?? configured ?? .sqlite
        let stamp = Timestamp.compact(Date())
        return names.map { name in
            .file(format, path: (directory as NSString).appendingPathComponent("\(name)-\(stamp).\(format.fileExtension)"))
        }
    }
}
