import ConnectorHost
import ConnectorKit
import Foundation

/// `connhost auth <instance>`: authorize a connector instance with OAuth 2.0 in a browser
/// and store its credential, for any plugin that adopts `OAuthAuthorizing` (the host knows
/// no service); `--forget` deletes it.
enum AuthCommand: Command {
    static let name = "auth"
    static let summary = "Authorize an instance with OAuth 2.0 in a browser and store its credential"
    static let usage = """
    connhost auth <instance> [--<config-field> VALUE]... [--no-listen] [--timeout SECONDS]
                  [--plugins-dir DIR] [--config FILE]
    connhost auth <instance> --forget
    """
    static let options = [
        OptionSpec.flag("no-listen", "do not listen for the redirect; paste the URL the browser was sent to on stdin"),
        OptionSpec.value("timeout", "SECONDS", "how long to wait for the authorization (default 300)"),
        OptionSpec.flag("forget", "delete the stored credential (exit 2 when there is none)"),
        CommonOptions.pluginsDir, CommonOptions.config, CommonOptions.help,
    ]

    static let details = """

    Prints the service's authorize URL (open it in a browser), receives the redirect on the
    redirect URI's port on 127.0.0.1, exchanges the code and stores one credential (client id
    and secret, tokens), mode 0600 in a 0700 directory, as
    $XDG_CONFIG_HOME/connhost/tokens/<instance>.json (default ~/.config/connhost/tokens/).
    Later syncs of the instance without an API key use it, and refresh the tokens with the
    stored client secret when they expire: nothing secret is needed in flags or the
    environment. An instance whose account URL is not in host-config.json (a plugin used
    by its name with --base-url) keeps its credential under the account (<account>.json).

    """

    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 {
        let resolved = try PluginInvocation(arguments: arguments, options: options, plugins: .one,
                                            missing: "auth needs an instance or plugin name, e.g. connhost auth aha (see connhost connectors)",
                                            environment: invocation.environment,
                                            executableDirectory: invocation.executableDirectory)
        guard let target = resolved.targets.first else { invocation.out(help(extra: details)); return 0 }
        let plugin = target.plugin
        let pluginName = plugin.metadata.name
        if resolved.wantsHelp { invocation.out(help(extra: details + PluginHelp.fields(of: [plugin]))); return 0 }
        guard let authorizing = plugin.connector as? any OAuthAuthorizing else {
            throw HostError.usage("\(pluginName) does not offer OAuth authorization; give its API key instead "
                                  + "(see connhost sync \(pluginName) --help)")
        }
        if resolved.arguments.has("forget") { return try forget(target, resolved: resolved, invocation: invocation) }
        // Here --timeout is the wait for the user, not a request's: up to a day, long enough to
        // find the password, short of a process that never ends. Request options come from
        // the environment only.
        var timeout: TimeInterval = 300
        if let value = try resolved.arguments.bounded("timeout", in: 1...86_400, unit: "seconds") { timeout = value }
        let connector = try resolved.configure(target, options: try SyncOptions(environment: invocation.environment))
        let context = connector.context
        do {
            let flow = OAuthFlow(client: try authorizing.oauthClient(config: connector.config, context: context), context: context, timeout: timeout,
                                 listen: !resolved.arguments.has("no-listen"),
                                 output: { invocation.out(context.redact($0)) },
                                 note: { invocation.err(context.redact($0)) })
            let outcome = try await flow.run()
            let expiry = outcome.tokens.expiresAt.map { "; the access token expires at \(Timestamp.iso8601($0)) and is refreshed then" } ?? ""
            invocation.out("\(target.name): authorized \(outcome.tokens.account); tokens stored in \(outcome.path)\(expiry)")
            return 0
        } catch {
            invocation.err(ErrorReport.message(for: error, connector: target.name, redact: context.redact))
            return ErrorReport.status(for: error)
        }
    }

    /// `--forget`: deletes the instance's stored credential; none is a usage error (exit 2),
    /// since a mistyped name or account must not look like success.
    static func forget(_ target: ConnectorTarget, resolved: PluginInvocation, invocation: Invocation) throws -> Int32 {
        for option in ["no-listen", "timeout"] where resolved.arguments.has(option) {
            throw HostError.usage("--forget deletes the stored credential; --\(option) does not go with it")
        }
        let store = OAuth2TokenStore.standard()
        let account: String
        let names = target.instance.storedCredentialNames(of: target.plugin)
        if let own = names.first {
            // An instance with its own account: no secret needs to resolve. A file not yet
            // moved from the account's name is the one its next sync would use.
            account = names.first { FileManager.default.fileExists(atPath: store.path(for: $0)) } ?? own
        } else {
            guard let service = (target.plugin.connector as? any ServiceConnector)?.service else {
                throw HostError.usage("\(target.name): its plugin does not declare an account URL, so connhost cannot "
                                      + "tell which stored credential is its own")
            }
            let connector = try resolved.configure(target, options: try SyncOptions(environment: invocation.environment))
            do {
                account = service.account(of: try connector.config.url(service.baseURL), context: connector.context)
            } catch {
                throw HostError.usage(ErrorReport.message(for: error, connector: target.name))
            }
        }
        guard let path = try store.remove(account: account) else {
            throw HostError.usage("\(target.name): no OAuth credential is stored (\(store.path(for: account))); nothing to forget")
        }
        invocation.out("\(target.name): deleted the stored OAuth credential \(path)")
        return 0
    }
}
