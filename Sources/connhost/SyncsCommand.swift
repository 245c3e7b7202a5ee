import ConnectorHost
import Foundation

/// `connhost syncs [instance]`: the runs `connhost serve` recorded, newest first.
enum SyncsCommand: Command {
    static let name = "syncs"
    static let summary = "List the sync runs connhost serve recorded, newest first"
    static let usage = "connhost syncs [<instance>] [--limit N] [--config FILE] [--json]"
    static let options = [
        OptionSpec.value("limit", "N", "at most N runs (default 50)"),
        CommonOptions.config, CommonOptions.json, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") { invocation.out(help()); return 0 }
        guard parsed.positionals.count <= 1 else { throw HostError.usage("unexpected argument '\(parsed.positionals[1])'") }
        let limit = try parsed.bounded("limit", in: 1...1_000_000) ?? 50
        let configuration = try HostConfiguration.locate(flag: parsed.values["config"], environment: invocation.environment)
        let runs = try ServeState(configuration).history(create: false).runs(instance: parsed.positionals.first, limit: limit)
        if parsed.has("json") {
            try invocation.outJSON(runs)
            return 0
        }
        if runs.isEmpty {
            invocation.out("No runs recorded\(parsed.positionals.first.map { " for \($0)" } ?? "").")
            return 0
        }
        invocation.out(Invocation.grid(
            ["STARTED", "INSTANCE", "STATUS", "SECONDS", "RESOURCES", "GRANTS", "REQUESTS", "ERROR"],
            runs.map { run in
                [Timestamp.iso8601(run.startedAt), run.instance, run.status.rawValue,
                 run.duration.map { String(format: "%.2f", $0) } ?? "-", String(run.resources.values.reduce(0, +)),
                 String(run.grants), String(run.requests), run.error ?? ""]
            }))
        return 0
    }
}
