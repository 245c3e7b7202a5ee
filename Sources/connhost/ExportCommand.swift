import ConnectorHost
import Foundation

/// `connhost export <snapshot> --format csv --output DIR`: a snapshot as CSV files for
/// spreadsheets.
enum ExportCommand: Command {
    static let name = "export"
    static let summary = "Export a snapshot (any format) as resources.csv, entitlements.csv and grants.csv"
    static let usage = "connhost export <snapshot> --output DIR [--format csv] [--sync-id ID] [--json]"
    static let options = [
        OptionSpec.value("output", "DIR", "directory for the CSV files (created if missing; its parent must exist)"),
        OptionSpec.value("format", "FORMAT", "csv (the only format, and the default)"),
        OptionSpec.value("sync-id", "ID", "c1z only: read this sync (default: the latest finished full sync)"),
        CommonOptions.json, CommonOptions.help,
    ]

    static let formats = ["csv"]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") {
            invocation.out(help(extra: """

            CSV as RFC 4180: UTF-8, a header row, CRLF line ends, one row per record in the
            snapshot's order. A cell starting with =, +, -, @, tab, CR or ' gets a leading ',
            so a spreadsheet shows it as text instead of running it. Profile keys become
            profile.<key> columns of resources.csv; grants.csv also names the principal and
            the entitlement. Each file is written atomically.

            """))
            return 0
        }
        guard let path = parsed.positionals.first else { throw HostError.usage("export needs a snapshot file: \(usage)") }
        guard parsed.positionals.count == 1 else { throw HostError.usage("unexpected argument '\(parsed.positionals[1])'") }
        let format = parsed.values["format"] ?? "csv"
        guard formats.contains(format) else {
            throw HostError.usage("--format \(format) is not supported; export writes: \(formats.joined(separator: ", "))")
        }
        guard let output = parsed.values["output"], !output.isEmpty else {
            throw HostError.usage("export needs --output DIR (the directory for the CSV files)")
        }
        let snapshot = try SnapshotReader.read(path, syncID: parsed.values["sync-id"])
        let files = try CSVExport.write(snapshot, to: output)
        if parsed.has("json") {
            try invocation.outJSON(["files": files])
        } else {
            invocation.out(files.map { "wrote \($0)" }.joined(separator: "\n"))
        }
        return 0
    }
}
