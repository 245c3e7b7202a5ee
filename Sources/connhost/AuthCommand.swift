import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost auth <plugin>`: authorize a plugin with OAuth 2.0 in a browser and store its
/// tokens, for any plugin that adopts `OAuthAuthorizing` (the host knows no service).
enum AuthCommand: Command {
    static let name = "auth"
    static let summary = "Authorize a plugin with OAuth 2.0 in a browser and store its tokens"
    static let usage = """
    connhost auth <plugin> [--<config-field> VALUE]... [--no-listen] [--timeout SECONDS]
                  [--plugins-dir DIR] [--config FILE]
    """
    static let options = [
        OptionSpec.flag("no-listen", "do not listen for the redirect; paste the URL the browser was sent to on stdin"),
        OptionSpec.value("timeout", "SECONDS", "how long to wait for the authorization (default 300)"),
        CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help,
    ]

    static let details = """

    Prints the service's authorize URL (open it in a browser), receives the redirect on the
    redirect URI's port on 127.0.0.1, exchanges the code and stores the tokens, mode 0600, in
    $XDG_CONFIG_HOME/connhost/tokens/<account>.json (default ~/.config/connhost/tokens/).
    Later syncs without an API key use them, and refresh them when they expire.

    """

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let loose = try ParsedArguments.parse(arguments, options: options, lenient: true)
        guard let pluginName = loose.positionals.first else {
            if loose.has("help") { invocation.out(help(extra: details)); return 0 }
            throw HostError.usage("auth needs a plugin name, e.g. connhost auth aha (see connhost list-plugins)")
        }
        guard loose.positionals.count == 1 else { throw HostError.usage("unexpected argument '\(loose.positionals[1])'") }
        let catalog = try CommonOptions.catalog(loose, invocation)
        let plugin = try catalog.plugin(named: pluginName)
        let parsed = try ParsedArguments.parse(arguments, options: options + PluginHelp.options(of: plugin))
        if parsed.has("help") { invocation.out(help(extra: details + PluginHelp.fields(of: [plugin]))); return 0 }
        guard let authorizing = plugin.connector as? any OAuthAuthorizing else {
            throw HostError.usage("\(pluginName) does not offer OAuth authorization; give its API key instead "
                                  + "(see connhost sync \(pluginName) --help)")
        }
        var timeout: TimeInterval = 300
        // Up to a day: long enough to find the password, short of a process that never ends.
        if let value = try parsed.bounded("timeout", in: 1...86_400, unit: "seconds") { timeout = value }

        let config = try ConfigResolver(flags: parsed.values, environment: invocation.environment,
                                        hostConfiguration: catalog.configuration).resolve(plugin.metadata)
        let context = try SyncOptions(environment: invocation.environment)
            .makeContext(secrets: ConfigResolver.secrets(of: config, plugin.metadata))
        do {
            let flow = OAuthFlow(client: try authorizing.oauthClient(config: config, context: context), context: context, timeout: timeout,
                                 listen: !parsed.has("no-listen"),
                                 output: { invocation.out(context.redact($0)) },
                                 note: { invocation.err(context.redact($0)) })
            let outcome = try await flow.run()
            let expiry = outcome.tokens.expiresAt.map { "; the access token expires at \(Timestamp.iso8601($0)) and is refreshed then" } ?? ""
            invocation.out("\(pluginName): authorized \(outcome.tokens.account); tokens stored in \(outcome.path)\(expiry)")
            return 0
        } catch {
            invocation.err(ErrorReport.message(for: error, connector: pluginName, redact: context.redact))
            return ErrorReport.status(for: error)
        }
    }
}
