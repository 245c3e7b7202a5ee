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
        SyncOptions.timeoutFlag, CommonOptions.json, CommonOptions.config, CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let resolved = try PluginInvocation(
            arguments: arguments, options: options,
            pluginFile: "check-plugin needs the path of a plugin, e.g. connhost check-plugin .build/release/libAcmeConnector.so",
            environment: invocation.environment)
        guard let file = resolved.pluginFile else { invocation.out(help(extra: rulesHelp)); return 0 }
        var check = ConformanceCheck(path: file.path, loaded: file.loaded)
        let parsed = resolved.arguments
        if resolved.wantsHelp {
            invocation.out(help(extra: PluginHelp.fields(of: resolved.plugins) + rulesHelp))
            return 0
        }
        if let value = try parsed.bounded("max-pages", in: 1...100_000) { check.maxPages = value }
        check.options = try resolved.syncOptions()
        // A conformance run should fail fast, not ride out a flaky service.
        check.options.maxAttempts = min(check.options.maxAttempts, 3)
        check.reservedFlags = Set((SyncCommand.options + ValidateCommand.options + AuthCommand.options + options).map(\.name))

        let report = try await check.run(try source(check, resolved))
        if parsed.has("json") {
            try invocation.outJSON(report)
        } else {
            invocation.out(render(report))
        }
        return report.passed ? 0 : 1
    }

    /// Live when any config value is given (flag, environment, host-config.json), or when
    /// the plugin has no self-test data; its own canned data otherwise, or with `--self-test`.
    static func source(_ check: ConformanceCheck, _ resolved: PluginInvocation) throws -> ConformanceCheck.DataSource {
        guard let plugin = check.plugin else { return .selfTest }
        if resolved.arguments.has("self-test") {
            guard check.offersSelfTest else {
                throw HostError.usage("\(plugin.metadata.name) offers no self-test data (SelfTestingConnector); give its configuration instead")
            }
            return .selfTest
        }
        if try !resolved.givesConfiguration(for: plugin) && check.offersSelfTest { return .selfTest }
        return .live(try resolved.configuration(for: plugin))
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
