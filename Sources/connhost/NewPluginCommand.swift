import ConnectorHost
import Foundation

/// `connhost new-plugin <Name>`: write a ready-to-build out-of-tree plugin package.
enum NewPluginCommand: Command {
    static let name = "new-plugin"
    static let summary = "Create a ready-to-build plugin package to fill in"
    static let usage = "connhost new-plugin <Name> [--dir PATH] [--kit PATH]"
    static let options = [
        OptionSpec.value("dir", "PATH", "the package directory to create (default: ./<Name>Connector); never overwritten"),
        OptionSpec.value("kit", "PATH", "the ConnectorKit package to build against (default: Packages/ConnectorKit of the checkout holding connhost)"),
        CommonOptions.help,
    ]

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") {
            invocation.out(help(extra: "\n<Name> is an UpperCamelCase Swift identifier: Acme makes AcmeConnector, "
                                + "libAcmeConnector.so and the plugin 'acme'.\n"))
            return 0
        }
        guard let text = parsed.positionals.first else {
            throw HostError.usage("new-plugin needs a name, e.g. connhost new-plugin Acme")
        }
        guard parsed.positionals.count == 1 else {
            throw HostError.usage("unexpected argument '\(parsed.positionals[1])'")
        }
        let name = try PluginName(text)
        let directory = parsed.values["dir"] ?? name.connectorType
        if FileManager.default.fileExists(atPath: directory) {
            throw HostError.usage("\(directory) already exists; new-plugin never overwrites (choose another --dir)")
        }
        let kit: String
        if let given = parsed.values["kit"] {
            kit = try PluginScaffold.kit(at: given)
        } else if let found = PluginScaffold.locateKit(above: invocation.executableDirectory) {
            kit = found
        } else {
            throw HostError.usage("cannot find ConnectorKit (Packages/ConnectorKit/Package.swift) above "
                                  + "\(invocation.executableDirectory); pass --kit PATH")
        }
        // Shipped plugins, and whatever this host would load: the new name must not clash.
        let catalog = try? PluginCatalog(configFlag: nil, pluginsDirectoryFlag: nil, environment: invocation.environment,
                                         executableDirectory: invocation.executableDirectory, reportFailures: false)
        let loaded = (catalog?.result.plugins ?? []).map { (name: $0.metadata.name, path: $0.path) }
        if let taken = PluginScaffold.existingPlugins(kitPath: kit, loaded: loaded)
            .first(where: { PluginScaffold.clash($0.name, name.pluginName) }) {
            throw HostError.usage("'\(text)' is taken: a plugin named '\(taken.name)' already exists (\(taken.place)); choose another name")
        }

        let template = PluginTemplate(name: name, kitPath: kit)
        let written = try PluginScaffold.write(template, to: directory)
        var message = "Created \(name.connectorType) in \(written) (plugin '\(name.pluginName)', ConnectorKit at \(kit)):\n"
        message += template.files.map { "  \($0.path)\n" }.joined()
        message += """

        Next:
          cd \(written)
          swift build -c release            # -> .build/release/\(name.libraryFile)
          connhost check-plugin .build/release/\(name.libraryFile)
          cp .build/release/\(name.libraryFile) <plugins dir>/   # then: connhost list-plugins
        """
        invocation.out(message)
        return 0
    }
}
