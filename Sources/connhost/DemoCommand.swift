import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost demo`: start a fake tenant on loopback, sync it with the default sink, and
/// check the snapshot against the tenant's own ground truth.
enum DemoCommand: Command {
    static let name = "demo"
    static let summary = "Start a local fake tenant, sync it, and check the result against its ground truth"
    static let usage = "connhost demo [aha|codefresh] [--users N] [--output PATH] [--format FORMAT]"
    static let options = [
        OptionSpec.value("users", "N", "users in the fake tenant (default 250)"),
        OptionSpec.value("seed", "N", "seed of the fake tenant's data (default 7)"),
        OptionSpec.value("output", "PATH", "snapshot file (default: ./connhost-demo-<plugin>.<ext>)"),
        OptionSpec.value("format", "FORMAT", "sqlite (default), json, ndjson or c1z"),
        CommonOptions.json, CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") { invocation.out(help()); return 0 }
        let pluginName = parsed.positionals.first ?? "aha"
        guard ["aha", "codefresh"].contains(pluginName), parsed.positionals.count <= 1 else {
            throw HostError.usage("demo runs 'aha' or 'codefresh'")
        }
        let users = try parsed.bounded("users", in: 0...1_000_000) ?? 250
        let seed = parsed.values["seed"] ?? "7"
        let catalog = try CommonOptions.catalog(parsed, invocation)
        let plugin = try catalog.plugin(named: pluginName)

        let work = FileManager.default.temporaryDirectory.appendingPathComponent("connhost-demo-\(getpid())").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let truthPath = work + "/truth.json"
        let apiKey = "demo-" + UUID().uuidString
        var tenantArguments = [pluginName, "--seed", seed, "--users", String(users), "--api-key", apiKey,
                               "--truth", truthPath, "--max-seconds", "600"]
        if pluginName == "aha" {
            tenantArguments += ["--teams", String(max(1, users / 20)), "--virtual-users", String(max(1, users / 30))]
        }
        let tenant = try await FakeTenantProcess.start(executable: fakeSaaSPath(invocation), arguments: tenantArguments)
        defer { tenant.stop() }

        var flags = ["api-key": apiKey, "base-url": tenant.url]
        if let format = parsed.values["format"] { flags["format"] = format }
        let config = try ConfigResolver(flags: flags, environment: [:], hostConfiguration: HostConfiguration())
            .resolve(plugin.metadata)
        let format = try parsed.values["format"].map(SnapshotFormat.parse)
            ?? parsed.values["output"].flatMap(SnapshotFormat.inferred(fromPath:)) ?? .sqlite
        let output = parsed.values["output"] ?? "connhost-demo-\(pluginName).\(format.fileExtension)"

        let connector = ConfiguredPlugin(plugin: plugin, config: config, options: try SyncOptions(environment: invocation.environment))
        let memory = InMemorySnapshotSink()
        let progress = SyncProgress.forTerminal(connector: pluginName)
        let summary = try await SyncEngine(metadata: plugin.metadata, session: try connector.makeSession(),
                                           context: connector.context, progress: progress)
            .run(into: MultiplexSnapshotSink([try format.makeSink(destination: output), memory]))
        progress?.finish()

        let truth = try GroundTruth.load(path: truthPath)
        let mismatch = truth.differences(from: memory.records)
        if parsed.has("json") {
            struct Report: Encodable { var summary: SyncSummary; var output: String; var tenant: String; var matchesGroundTruth: Bool }
            try invocation.outJSON(Report(summary: summary, output: output, tenant: tenant.url, matchesGroundTruth: mismatch.isEmpty))
        } else {
            invocation.out("""
            Fake \(pluginName == "aha" ? "Aha!" : "Codefresh") tenant at \(tenant.url) (seed \(seed), \(users) users)
            \(summary.line)
            Snapshot (\(format.rawValue)): \(output)
            """)
            for (type, count) in summary.resources.sorted(by: { $0.key < $1.key }) {
                invocation.out("  \(type.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count)")
            }
            invocation.out("  entitlements   \(summary.entitlements)\n  grants         \(summary.grants)\n  requests       \(summary.requests)")
            invocation.out(mismatch.isEmpty
                ? "Matches the tenant's ground truth exactly."
                : "Does NOT match the tenant's ground truth:\n" + mismatch.prefix(10).map { "  \($0)" }.joined(separator: "\n"))
        }
        return mismatch.isEmpty ? 0 : 1
    }

    static func fakeSaaSPath(_ invocation: Invocation) throws -> String {
        let path = invocation.environment["CONNHOST_FAKESAAS"] ?? invocation.executableDirectory + "/FakeSaaS"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HostError.usage("the fake tenant server is missing at \(path); build it with 'swift build' (or set CONNHOST_FAKESAAS)")
        }
        return path
    }
}
