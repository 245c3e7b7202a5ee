import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost list-plugins`: what loaded, from where, and what did not.
enum ListPluginsCommand: Command {
    static let name = "list-plugins"
    static let summary = "List the plugins found, their resource types and files"
    static let usage = "connhost list-plugins [--plugins-dir DIR] [--config FILE] [--json]"
    static let options = [CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.json, CommonOptions.help]

    struct Listing: Encodable {
        struct Plugin: Encodable {
            var name, version, summary, file: String
            var resourceTypes: [String]
            var configFields: [ConfigField]
            enum CodingKeys: String, CodingKey {
                case name, version, summary, file, resourceTypes = "resource_types", configFields = "config_fields"
            }
        }
        struct Failure: Encodable { var file, reason: String }
        var directories: [String]
        var plugins: [Plugin]
        var failures: [Failure]
    }

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let parsed = try ParsedArguments.parse(arguments, options: options)
        if parsed.has("help") { invocation.out(help()); return 0 }
        guard parsed.positionals.isEmpty else { throw HostError.usage("list-plugins takes no arguments") }
        let catalog = try CommonOptions.catalog(parsed, invocation, reportFailures: true)
        let plugins = catalog.result.plugins
        if parsed.has("json") {
            try invocation.outJSON(Listing(
                directories: catalog.directories,
                plugins: plugins.map {
                    .init(name: $0.metadata.name, version: $0.metadata.version, summary: $0.metadata.summary,
                          file: $0.path, resourceTypes: $0.metadata.resourceTypes.map(\.id),
                          configFields: $0.metadata.configFields)
                },
                failures: catalog.result.failures.map { .init(file: $0.path, reason: $0.reason) }))
            return 0
        }
        if plugins.isEmpty {
            invocation.out("No plugins found in \(catalog.directories.joined(separator: ", ")).")
            return 0
        }
        invocation.out(Invocation.grid(
            ["NAME", "VERSION", "RESOURCE TYPES", "FILE"],
            plugins.map { [$0.metadata.name, $0.metadata.version,
                           $0.metadata.resourceTypes.map(\.id).joined(separator: ","), $0.path] }))
        return 0
    }
}
