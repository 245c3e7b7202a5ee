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
        let resolved = try PluginInvocation(arguments: arguments, options: options, plugins: .one,
                                            missing: "auth needs a plugin name, e.g. connhost auth aha (see connhost list-plugins)",
                                            environment: invocation.environment,
                                            executableDirectory: invocation.executableDirectory)
        guard let plugin = resolved.plugins.first else { invocation.out(help(extra: details)); return 0 }
        let pluginName = plugin.metadata.name
        if resolved.wantsHelp { invocation.out(help(extra: details + PluginHelp.fields(of: [plugin]))); return 0 }
        guard let authorizing = plugin.connector as? any OAuthAuthorizing else {
            throw HostError.usage("\(pluginName) does not offer OAuth authorization; give its API key instead "
                                  + "(see connhost sync \(pluginName) --help)")
        }
        // Here --timeout is the wait for the user, not a request's: up to a day, long enough to
        // find the password, short of a process that never ends. Request options come from
        // the environment only.
        var timeout: TimeInterval = 300
        if let value = try resolved.arguments.bounded("timeout", in: 1...86_400, unit: "seconds") { timeout = value }
        let connector = try resolved.configure(plugin, options: try SyncOptions(environment: invocation.environment))
        let context = connector.context
        do {
            let flow = OAuthFlow(client: try authorizing.oauthClient(config: connector.config, context: context), context: context, timeout: timeout,
                                 listen: !resolved.arguments.has("no-listen"),
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
