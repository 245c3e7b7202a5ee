import ConnectorHost
import Foundation

/// `connhost serve`: the scheduler in the foreground, for systemd or a container.
enum ServeCommand: Command {
    static let name = "serve"
    static let summary = "Run scheduled syncs, keep their history and changes, serve health and metrics"
    static let usage = """
    connhost serve [--config FILE] [--listen HOST:PORT] [--max-concurrent N] [--log-format text|json]
    Instances with a "schedule" in host-config.json run once at start, then on schedule.
    SIGTERM or SIGINT stops (running syncs are interrupted and recorded), SIGHUP reloads the configuration.
    """
    static let options = [
        OptionSpec.value("listen", "HOST:PORT", "where /healthz, /metrics and the status page answer (default: serve.listen, else 127.0.0.1:9464; port 0 picks one)"),
        OptionSpec.value("max-concurrent", "N", "syncs at once (default 4)"),
        OptionSpec.value("log-format", "FORMAT", "text (default) or json: one line per run start and end on stderr"),
        SyncOptions.timeoutFlag, SyncOptions.maxAttemptsFlag, SyncOptions.concurrencyFlag, SyncOptions.rateLimitFlag,
        CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") { invocation.out(help()); return 0 }
        guard parsed.positionals.isEmpty else { throw HostError.usage("unexpected argument '\(parsed.positionals[0])'") }
        let maxConcurrent = try parsed.bounded("max-concurrent", in: 1...256) ?? 4
        guard let format = ServeLog.Format(rawValue: parsed.values["log-format"] ?? "text") else {
            throw HostError.usage("--log-format is text or json, not '\(parsed.values["log-format"] ?? "")'")
        }
        let catalog = try CommonOptions.catalog(parsed, invocation)
        let configuration = catalog.configuration
        let (host, port) = try listenAddress(parsed.values["listen"] ?? configuration.listen ?? "127.0.0.1:9464")
        let setup = SyncService.setup(configuration, catalog: catalog)
        guard !setup.instances.isEmpty || !setup.skipped.isEmpty else {
            throw HostError.usage("no instance in \(configuration.path ?? "host-config.json (none found)") has a \"schedule\"; "
                + "add one, e.g. \"schedule\": \"every 6h\" or \"0 */4 * * *\"")
        }
        let state = ServeState(configuration)
        let history = try state.history(create: true)
        let log = ServeLog(format: format)
        let abandoned = try history.markAbandonedRunsInterrupted()
        if abandoned > 0 { log.line("\(abandoned) runs left running by an earlier serve marked interrupted", ["event": "recovered", "runs": abandoned]) }

        let service = SyncService(setup: setup, runner: InstanceRunner(stateDirectory: state.directory, keep: state.keep, history: history),
                                  options: try SyncOptions(environment: invocation.environment, arguments: parsed),
                                  environment: invocation.environment, maxConcurrent: maxConcurrent, log: log)
        let endpoints = ServeEndpoints(service: service, history: history)
        let server = try StatusServer(host: host, port: port) { endpoints.respond($0, $1) }
        invocation.err("serving \(server.url)")

        let signals = SignalEvents([SIGTERM, SIGINT, SIGHUP]) { signo in
            guard signo == SIGHUP else {
                log.line("stopping (\(signo == SIGTERM ? "SIGTERM" : "SIGINT"))", ["event": "stop"])
                service.stop()
                return
            }
            do {
                let reloaded = try CommonOptions.catalog(parsed, invocation)
                service.reload(SyncService.setup(reloaded.configuration, catalog: reloaded))
            } catch {
                log.line("configuration not reloaded, the old one stays: \(ErrorReport.message(for: error))",
                         ["event": "reload-failed", "error": ErrorReport.message(for: error)])
            }
        }
        await service.run()
        signals.cancel()
        await server.stop()
        log.line("stopped", ["event": "stopped"])
        return 0
    }

    /// `HOST:PORT` (IPv4 or `localhost`; port 0 picks a free one).
    static func listenAddress(_ text: String) throws -> (String, UInt16) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw HostError.usage("--listen takes HOST:PORT with a port from 0 to 65535, not '\(text)'")
        }
        let host = String(text[..<colon])
        var address = in_addr()
        guard host == "localhost" || inet_pton(AF_INET, host, &address) == 1 else {
            throw HostError.usage("--listen takes an IPv4 address or localhost as its host, not '\(host)'")
        }
        return (host == "localhost" ? "127.0.0.1" : host, port)
    }
}
