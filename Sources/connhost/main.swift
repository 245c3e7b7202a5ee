import ConnectorHost
import ConnectorKit
import Foundation

/// Every command, in the order `connhost --help` lists them.
nonisolated(unsafe) let commands: [any Command.Type] = [
    ListPluginsCommand.self, ConnectorsCommand.self, SyncCommand.self, ServeCommand.self, SyncsCommand.self, ChangesCommand.self, ShowCommand.self, DiffCommand.self, ReportCommand.self, ExportCommand.self,
    ValidateCommand.self, AuthCommand.self,
    DemoCommand.self, NewPluginCommand.self, CheckPluginCommand.self,
]

let version = "0.1.0"

func usage() -> String {
    var text = """
    connhost \(version): sync identity and access data from SaaS apps through drop-in plugins.

    Usage: connhost <command> [options]

    Commands:

    """
    text += Invocation.table(commands.map { ($0.name, $0.summary) })
    text += """

    Run 'connhost <command> --help' for a command's options.
    Exit status: 0 success, 1 the sync or a remote call failed, 2 usage or configuration error.

    """
    return text
}

@MainActor
func main() async -> Int32 {
    // Before any other thread exists: no HTTP cache or cookie directory is ever created.
    EphemeralSession.prepare()
    let invocation = Invocation.current()
    var arguments = Array(CommandLine.arguments.dropFirst())
    guard let name = arguments.first else {
        FileHandle.standardError.write(Data(usage().utf8))
        return 2
    }
    arguments.removeFirst()
    switch name {
    case "--help", "-h", "help":
        invocation.out(usage())
        return 0
    case "--version":
        invocation.out("connhost \(version)")
        return 0
    case "__worker":
        guard let path = arguments.first else { return 2 }
        // The parent ignores these for its own handlers; the worker must stay killable.
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        return await WorkerEntry.run(pluginPath: path, credentialName: arguments.dropFirst().first, options: (try? SyncOptions(environment: invocation.environment)) ?? SyncOptions())
    default:
        break
    }
    guard let command = commands.first(where: { $0.name == name }) else {
        let hint = ParsedArguments.closest(to: name, in: commands.map { $0.name }).map { "; did you mean '\($0)'?" } ?? ""
        invocation.err("unknown command '\(name)'\(hint) (see connhost --help)")
        return 2
    }
    do {
        return try await command.run(arguments, invocation)
    } catch {
        invocation.err(ErrorReport.message(for: error))
        return ErrorReport.status(for: error)
    }
}

exit(await main())
