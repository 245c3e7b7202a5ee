import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost check-plugin <path-to-.so>`: load a plugin as the host does and report, one
/// line per rule, whether it follows the connector rules.
enum CheckPluginCommand: Command {
    static let name = "check-plugin"
    static let summary = "Check a plugin .so against the connector rules, one PASS/FAIL line per rule"
    static let usage = """
    connhost check-plugin <path-to-.so> [--<config-field> VALUE]... [--self-test] [--max-pages N]
                          [--json] [--config FILE]
    """
    static let options = [
        OptionSpec.flag("self-test", "use the plugin's own canned data even when a configuration is given"),
        OptionSpec.value("max-pages", "N", "pages a listing may have before its token counts as endless (default \(ConformanceCheck.defaultMaxPages))"),
        OptionSpec.value("timeout", "SECONDS", "per-request timeout (default 30)"),
        CommonOptions.json, CommonOptions.config, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let loose = try ParsedArguments.parse(arguments, options: options, lenient: true)
        guard let path = loose.positionals.first else {
            if loose.has("help") { invocation.out(help(extra: rulesHelp)); return 0 }
            throw HostError.usage("check-plugin needs the path of a plugin, e.g. connhost check-plugin .build/release/libAcmeConnector.so")
        }
        guard loose.positionals.count == 1 else {
            throw HostError.usage("unexpected argument '\(loose.positionals[1])'")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw HostError.usage("\(path) does not exist")
        }
        var check = ConformanceCheck(path: path)
        // Without a loaded plugin its flags are unknown: keep them, the report says why it failed.
        let parsed = try check.plugin.map {
            try ParsedArguments.parse(arguments, options: options + PluginHelp.options(of: $0))
        } ?? loose
        if parsed.has("help") {
            invocation.out(help(extra: PluginHelp.fields(of: check.plugin.map { [$0] } ?? []) + rulesHelp))
            return 0
        }
        if let value = try parsed.bounded("max-pages", in: 1...100_000) { check.maxPages = value }
        check.options = try SyncOptions(environment: invocation.environment)
        // A conformance run should fail fast, not ride out a flaky service.
        check.options.maxAttempts = min(check.options.maxAttempts, 3)
        if let value = try parsed.bounded("timeout", in: SyncOptions.timeoutRange, unit: "seconds") {
            check.options.requestTimeout = value
        }
        check.reservedFlags = Set((SyncCommand.options + ValidateCommand.options + AuthCommand.options + options).map(\.name))

        let report = try await check.run(try source(check, parsed, invocation))
        if parsed.has("json") {
            try invocation.outJSON(report)
        } else {
            invocation.out(render(report))
        }
        return report.passed ? 0 : 1
    }

    /// Live when any config value is given (flag, environment, host-config.json), or when
    /// the plugin has no self-test data; its own canned data otherwise, or with `--self-test`.
    static func source(_ check: ConformanceCheck, _ parsed: ParsedArguments,
                       _ invocation: Invocation) throws -> ConformanceCheck.DataSource {
        guard let plugin = check.plugin else { return .selfTest }
        let metadata = plugin.metadata
        if parsed.has("self-test") {
            guard check.offersSelfTest else {
                throw HostError.usage("\(metadata.name) offers no self-test data (SelfTestingConnector); give its configuration instead")
            }
            return .selfTest
        }
        let hostConfiguration = try HostConfiguration.locate(flag: parsed.values["config"], environment: invocation.environment)
        let fromFile = hostConfiguration.instance(named: metadata.name)
        let given = metadata.configFields.contains {
            parsed.values[$0.name] != nil || invocation.environment[$0.env]?.isEmpty == false
                || fromFile.values[$0.name] != nil || fromFile.references[$0.name] != nil
        }
        if !given && check.offersSelfTest { return .selfTest }
        return .live(try ConfigResolver(flags: parsed.values, environment: invocation.environment,
                                        hostConfiguration: hostConfiguration).resolve(metadata))
    }

    /// One `PASS|FAIL|SKIP  rule  detail` line per rule, then a verdict.
    static func render(_ report: ConformanceReport) -> String {
        let width = ConformanceRule.allCases.map(\.rawValue.count).max() ?? 0
        var lines = report.results.map { result in
            result.status.rawValue.uppercased() + "  "
                + result.rule.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + result.detail
        }
        let file = (report.path as NSString).lastPathComponent
        let what = report.name.map { name in
            " (\(name) \(report.version ?? "")" + (report.data.map { ", \($0) data" } ?? "") + ")"
        } ?? ""
        let failed = report.failures.map(\.rule.rawValue)
        lines.append(failed.isEmpty
            ? "\(file)\(what): all \(report.results.count) rules passed"
            : "\(file)\(what): \(failed.count) of \(report.results.count) rules failed (\(failed.joined(separator: ", ")))")
        return lines.joined(separator: "\n")
    }

    static var rulesHelp: String {
        "\nRules, in order (exit 0 when all pass, 1 when any fails, 2 for usage):\n"
            + Invocation.table(ConformanceRule.allCases.map { ($0.rawValue, $0.summary) })
            + "\nWithout configuration values the plugin's self-test data is used (SelfTestingConnector).\n"
    }
}
