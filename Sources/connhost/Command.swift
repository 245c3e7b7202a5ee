import ConnectorHost
import Foundation

/// One `connhost` subcommand: its help, its options, and what it does.
protocol Command {
    /// The word after `connhost`.
    static var name: String { get }
    /// One line for `connhost --help`.
    static var summary: String { get }
    /// The usage line(s).
    static var usage: String { get }
    /// Options the command accepts (plugin config flags come on top for some).
    static var options: [OptionSpec] { get }
    /// Runs and returns the exit status.
    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32
}

extension Command {
    /// The command's `--help` text.
    static func help(extra: String = "") -> String {
        var text = "\(summary)\n\nUsage:\n" + usage.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n") + "\n"
        if !options.isEmpty {
            text += "\nOptions:\n" + Invocation.table(options.map { ($0.usage, $0.help) })
        }
        return text + extra
    }
}

/// Options every plugin-aware command shares.
enum CommonOptions {
    static let config = OptionSpec.value("config", "FILE", "host configuration (default: ./host-config.json, or $CONNHOST_CONFIG)")
    static let pluginsDir = OptionSpec.value("plugins-dir", "DIR", "where plugins are (default: $CONNHOST_PLUGINS_DIR, host-config.json, the executable's directory)")
    static let json = OptionSpec.flag("json", "machine-readable output")
    static let help = OptionSpec.flag("help", "show this help")

    /// Loads the plugins; failures are printed only where asked (list-plugins), or when
    /// the plugin a command wants is missing.
    static func catalog(_ parsed: ParsedArguments, _ invocation: Invocation, reportFailures: Bool = false) throws -> PluginCatalog {
        try PluginCatalog(configFlag: parsed.values["config"], pluginsDirectoryFlag: parsed.values["plugins-dir"],
                          environment: invocation.environment, executableDirectory: invocation.executableDirectory,
                          reportFailures: reportFailures)
    }
}
