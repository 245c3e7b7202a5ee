import ConnectorHost
import Foundation

/// `connhost report <snapshot>`: a self-contained HTML access report of a snapshot,
/// optionally with what changed since an older one.
enum ReportCommand: Command {
    static let name = "report"
    static let summary = "Write a self-contained HTML access report of a snapshot (any format), optionally against an older one"
    static let usage = "connhost report <snapshot> [--against <older snapshot>] [--output report.html] [--sync-id ID] [--json]"
    static let options = [
        OptionSpec.value("against", "OLDER", "also list the people and grants added and removed since this snapshot"),
        OptionSpec.value("output", "PATH", "where to write the report (default: ./<snapshot name>.report.html)"),
        OptionSpec.value("sync-id", "ID", "c1z only: read this sync of <snapshot> (default: its latest finished full sync)"),
        CommonOptions.json, CommonOptions.help,
    ]

    /// The `--json` object.
    struct Written: Encodable {
        var report: String
        var bytes: Int
        var findings: [String: Int]
    }

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") {
            invocation.out(help(extra: """

            The page works offline: inline styles, SVG charts and one small script, no external
            URL, and a Content-Security-Policy that blocks every network request. Each table shows
            its first \(ReportTable.pageSize) rows in the HTML and pages, filters and sorts all of them with the
            script. Every value from the tenant is escaped. The file is written atomically.

            """))
            return 0
        }
        guard let path = parsed.positionals.first else { throw HostError.usage("report needs a snapshot file: \(usage)") }
        guard parsed.positionals.count == 1 else { throw HostError.usage("unexpected argument '\(parsed.positionals[1])'") }
        let output = parsed.values["output"] ?? defaultOutput(for: path)
        if output.isEmpty { throw HostError.usage("--output needs a file name") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
            throw HostError.usage("--output \(output) is a directory; name the report file")
        }
        let snapshot: Snapshot, previous: AccessReport.Source?
        do {
            snapshot = try SnapshotReader.read(path, syncID: parsed.values["sync-id"])
            previous = try parsed.values["against"].map { older in
                AccessReport.Source(snapshot: try SnapshotReader.read(older), label: (older as NSString).lastPathComponent)
            }
        } catch HostError.failed(let message) {
            // As in diff: an unreadable input is the caller's to fix (2), not a failed sync.
            throw HostError.usage(message)
        }
        let report = AccessReport(current: .init(snapshot: snapshot, label: (path as NSString).lastPathComponent), previous: previous)
        let bytes = try report.write(to: output)
        if parsed.has("json") {
            let findings = AccessFindings(SnapshotIndex(snapshot))
            try invocation.outJSON(Written(report: output, bytes: bytes, findings: [
                "privileged": findings.privileged.count, "inactive_holders": findings.inactiveHolders.count,
                "shared_emails": findings.sharedEmails.count, "unlisted_principals": findings.unlistedPrincipals.count,
                "empty_groups": findings.emptyGroups.count,
            ]))
        } else {
            invocation.out("wrote \(output) (\(bytes) bytes)")
        }
        return 0
    }

    /// `./<snapshot file name>.report.html`: in the current directory, so a report of a
    /// snapshot in a read-only or shared folder still works.
    static func defaultOutput(for snapshot: String) -> String {
        (snapshot as NSString).lastPathComponent + ".report.html"
    }
}
