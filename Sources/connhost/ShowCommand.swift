import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost show <snapshot>`: what a snapshot holds, or the resources of one type.
enum ShowCommand: Command {
    static let name = "show"
    static let summary = "Summarise a snapshot (sqlite, json, ndjson, c1z or a postgresql:// URL), or list one resource type"
    static let usage = "connhost show <snapshot> [--type T] [--sync-id ID] [--json]"
    static let options = [
        OptionSpec.value("type", "T", "list the resources of type T (e.g. user) instead of the counts"),
        OptionSpec.value("sync-id", "ID", "c1z or PostgreSQL: read this sync (default: the latest finished full sync)"),
        CommonOptions.json, CommonOptions.help,
    ]

    /// The `--json` object: only what every format stores, so that the same sync gives
    /// the same bytes whether it was written as sqlite, json or ndjson.
    struct Report: Encodable {
        var connector: String
        var resourceTypes: [String: Int]
        var entitlements: Int
        var grants: Int
        var resources: [Resource]?

        enum CodingKeys: String, CodingKey {
            case connector, resourceTypes = "resource_types", entitlements, grants, resources
        }
    }

    /// Profile columns shown in a `--type` table, at most.
    static let profileColumns = 3
    /// Longest cell in a `--type` table before it is cut.
    static let cellWidth = 40

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") { invocation.out(help()); return 0 }
        guard let path = parsed.positionals.first else { throw HostError.usage("show needs a snapshot file") }
        guard parsed.positionals.count == 1 else { throw HostError.usage("unexpected argument '\(parsed.positionals[1])'") }
        let snapshot: Snapshot, formatName: String
        if PostgreSQLURL.matches(path) {
            snapshot = try SnapshotReader.read(path, syncID: parsed.values["sync-id"])
            formatName = "postgresql"
        } else {
            let reader = try SnapshotReader(path: path, syncID: parsed.values["sync-id"])
            snapshot = try reader.read()
            formatName = reader.format.rawValue
        }
        let shown = PostgreSQLURL.displayed(path)
        let counts = snapshot.resourceCounts
        let type = parsed.values["type"]
        if let type, counts[type] == nil {
            let known = snapshot.typeIDs.isEmpty ? "it has none" : "its types are " + snapshot.typeIDs.joined(separator: ", ")
            throw HostError.usage("\(shown) has no resource type '\(type)'; \(known)")
        }
        let resources = type.map { snapshot.resources(ofType: $0) }

        if parsed.has("json") {
            try invocation.outJSON(Report(connector: snapshot.connector, resourceTypes: counts,
                                          entitlements: snapshot.entitlements.count, grants: snapshot.grants.count,
                                          resources: resources))
        } else if let type, let resources {
            invocation.out(table(resources, type: type, path: shown))
        } else {
            var rows = [("connector", snapshot.connector)]
            if let syncedAt = snapshot.syncedAt { rows.append(("synced at", Timestamp.iso8601(syncedAt))) }
            rows.append(("format", formatName))
            rows.append(("resources", String(snapshot.resources.count)))
            rows += snapshot.typeIDs.map { ("  \($0)", String(counts[$0] ?? 0)) }
            rows.append(("entitlements", String(snapshot.entitlements.count)))
            rows.append(("grants", String(snapshot.grants.count)))
            invocation.out(Invocation.table(rows, indent: ""))
        }
        return 0
    }

    /// ID, NAME, PARENT (when any resource has one) and a few profile keys.
    static func table(_ resources: [Resource], type: String, path: String) -> String {
        guard !resources.isEmpty else { return "No \(type) resources in \(path)." }
        let keys = ProfileColumns.keys(of: resources, limit: profileColumns)
        let hasParent = resources.contains { $0.parent != nil }
        let header = ["ID", "NAME"] + (hasParent ? ["PARENT"] : []) + keys.map { $0.uppercased() }
        let rows = resources.map { resource in
            ([resource.id, resource.displayName] + (hasParent ? [resource.parent?.description ?? ""] : [])
                + keys.map { resource.profile[$0] ?? "" }).map(cell)
        }
        let noun = resources.count == 1 ? "resource" : "resources"
        return Invocation.grid(header, rows) + "\(resources.count) \(type) \(noun)"
    }

    /// A value fit for one table cell: one line, cut to `cellWidth`.
    static func cell(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > cellWidth ? String(line.prefix(cellWidth - 1)) + "…" : line
    }
}
