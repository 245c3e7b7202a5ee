import ConnectorHost
import Foundation

/// `connhost changes [instance]`: who gained or lost access, as `connhost serve` found it
/// between successive syncs.
enum ChangesCommand: Command {
    static let name = "changes"
    static let summary = "List what changed between successive syncs of connhost serve, oldest first"
    static let usage = "connhost changes [<instance>] [--since 24h|2026-12-01T08:00:00Z] [--config FILE] [--json]"
    static let options = [
        OptionSpec.value("since", "WHEN", "only changes seen since then: a duration back from now (90s, 30m, 24h, 7d) or an ISO 8601 time"),
        CommonOptions.config, CommonOptions.json, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") { invocation.out(help()); return 0 }
        guard parsed.positionals.count <= 1 else { throw HostError.usage("unexpected argument '\(parsed.positionals[1])'") }
        let since = try parsed.values["since"].map { try sinceDate($0, now: Date()) }
        let configuration = try HostConfiguration.locate(flag: parsed.values["config"], environment: invocation.environment)
        let recorded = try ServeState(configuration).history(create: false).changes(instance: parsed.positionals.first, since: since)
        let changes = recorded.map { entry in
            var change = entry.change
            change.instance = entry.instance
            change.syncID = entry.syncID
            change.time = entry.time
            return change
        }
        if parsed.has("json") {
            try invocation.outJSON(changes)
            return 0
        }
        if changes.isEmpty {
            invocation.out("No changes recorded\(since.map { " since \(Timestamp.iso8601($0))" } ?? "").")
            return 0
        }
        invocation.out(Invocation.grid(
            ["TIME", "INSTANCE", "CHANGE", "RESOURCE", "PRINCIPAL", "DETAILS"],
            changes.map { change in
                let details = ([change.entitlement].compactMap { $0 }
                    + change.fields.map { "\($0.field): \($0.before ?? "-") -> \($0.after ?? "-")" }).joined(separator: "; ")
                return [change.time.map(Timestamp.iso8601) ?? "", change.instance ?? "", change.kind.rawValue,
                        "\(change.resourceType):\(change.resourceID) \(change.displayName)",
                        change.principal.map { "\($0) \(change.principalName ?? "")" } ?? "", details]
            }))
        return 0
    }

    /// `24h` back from `now`, or an ISO 8601 time; a usage error otherwise.
    static func sinceDate(_ text: String, now: Date) throws -> Date {
        // A number then a unit letter is a duration back from now, read as every option reads one.
        if text.count > 1, text.last?.isLetter == true, text.dropLast().allSatisfy({ $0.isNumber || $0 == "." }) {
            return now.addingTimeInterval(-(try DurationText.parse(text, option: "--since")))
        }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        throw HostError.usage("--since takes a duration (90s, 30m, 24h, 7d) or an ISO 8601 time (2026-12-01T08:00:00Z), not '\(text)'")
    }
}
