import ConnectorHost
import Foundation

/// `connhost diff <old> <new>`: the resources, entitlements and grants that changed.
///
/// Exit status as diff(1): 0 equal, 1 different, 2 trouble. A snapshot that cannot be
/// read is trouble (2) here, not 1, so that scripts never mistake it for a change.
enum DiffCommand: Command {
    static let name = "diff"
    static let summary = "Compare two snapshots (any formats): added, removed and changed records"
    static let usage = "connhost diff <old> <new> [--sync-id ID] [--old-sync-id ID] [--new-sync-id ID] [--json]"
    static let options = [
        OptionSpec.value("sync-id", "ID", "c1z or PostgreSQL: read this sync of each (default: the latest finished full sync)"),
        OptionSpec.value("old-sync-id", "ID", "c1z or PostgreSQL: the sync of <old>, e.g. to compare two syncs of one file or database"),
        OptionSpec.value("new-sync-id", "ID", "c1z or PostgreSQL: the sync of <new>"),
        CommonOptions.json, CommonOptions.help,
    ]

    /// The `--json` object.
    struct Report: Encodable {
        var equal: Bool
        var old: String
        var new: String
        var changes: [SnapshotDiff.Change]
        var summary: [String: [String: Int]]
    }

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") {
            invocation.out(help(extra: "\nExit status: 0 the snapshots are equal, 1 they differ, 2 usage error or unreadable snapshot.\n"))
            return 0
        }
        guard parsed.positionals.count == 2 else {
            throw HostError.usage("diff needs two snapshot files: \(usage)")
        }
        let (oldPath, newPath) = (parsed.positionals[0], parsed.positionals[1])
        let old: Snapshot, new: Snapshot
        do {
            let (oldSync, newSync) = try syncIDs(parsed, oldPath, newPath)
            old = try SnapshotReader.read(oldPath, syncID: oldSync)
            new = try SnapshotReader.read(newPath, syncID: newSync)
        } catch HostError.failed(let message) {
            throw HostError.usage(message)
        }
        if old.connector != new.connector {
            invocation.err("note: comparing snapshots of different connectors (\(old.connector), \(new.connector))")
        }
        let diff = SnapshotDiff(old: old, new: new)
        if parsed.has("json") {
            var summary: [String: [String: Int]] = [:]
            for (kind, byAction) in diff.counts {
                summary[kind.rawValue] = Dictionary(uniqueKeysWithValues: byAction.map { ($0.key.rawValue, $0.value) })
            }
            try invocation.outJSON(Report(equal: diff.isEmpty, old: PostgreSQLURL.displayed(oldPath), new: PostgreSQLURL.displayed(newPath),
                                          changes: diff.changes, summary: summary))
        } else {
            var text = diff.lines.joined(separator: "\n")
            text += (text.isEmpty ? "" : "\n") + diff.summaryLine
            invocation.out(text)
        }
        return diff.isEmpty ? 0 : 1
    }

    /// The sync ids for `<old>` and `<new>`: `--old-sync-id`/`--new-sync-id`, else
    /// `--sync-id` for whichever of the two is a c1z file or a PostgreSQL URL (at least one must be).
    static func syncIDs(_ parsed: ParsedArguments, _ oldPath: String, _ newPath: String) throws -> (String?, String?) {
        guard let shared = parsed.values["sync-id"] else {
            return (parsed.values["old-sync-id"], parsed.values["new-sync-id"])
        }
        let isC1Z = try [oldPath, newPath].map { try PostgreSQLURL.matches($0) || SnapshotReader(path: $0).format == .c1z }
        guard isC1Z.contains(true) else {
            throw HostError.usage("--sync-id applies to c1z snapshots and PostgreSQL; neither \(oldPath) nor \(newPath) is one")
        }
        return (parsed.values["old-sync-id"] ?? (isC1Z[0] ? shared : nil),
                parsed.values["new-sync-id"] ?? (isC1Z[1] ? shared : nil))
    }
}
