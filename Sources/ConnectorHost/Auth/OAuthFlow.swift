import ConnectorKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The OAuth 2.0 authorization code flow of `connhost auth <instance>`, for any plugin that
/// adopts ``OAuthAuthorizing``: print the authorize URL, receive the redirect (on a
/// loopback listener, or pasted on stdin), check its `state`, exchange the code, store
/// the credential (client id and secret, tokens, token endpoint).
///
/// Exactly one redirect is accepted: the first whose `state` matches. Any other (a stale
/// link, a forged one, a stray `/favicon.ico`) gets an error page in the browser and the
/// flow keeps waiting until the timeout. The code and the tokens are registered with the
/// context for redaction the moment they are known, and never printed.
public struct OAuthFlow {
    /// The plugin's client for the account.
    public var client: OAuth2Client
    /// Redaction, timeouts and the token store.
    public var context: ConnectorContext
    /// Seconds to wait for the redirect.
    public var timeout: TimeInterval
    /// Whether to listen for the redirect (`false`: read the redirected URL from stdin).
    public var listen: Bool
    /// Prints a line on stdout (the authorize URL).
    public var output: (String) -> Void
    /// Prints a line on stderr (instructions, refused redirects).
    public var note: (String) -> Void

    /// What a successful run stored.
    public struct Outcome: Sendable {
        /// The token file.
        public var path: String
        /// The stored tokens.
        public var tokens: OAuth2Tokens
    }

    /// Creates a flow.
    public init(client: OAuth2Client, context: ConnectorContext, timeout: TimeInterval = 300, listen: Bool = true,
                output: @escaping (String) -> Void, note: @escaping (String) -> Void) {
        self.client = client
        self.context = context
        self.timeout = timeout
        self.listen = listen
        self.output = output
        self.note = note
    }

    /// The instance (or plugin) `connhost auth` was given, as messages name it.
    private var name: String { client.authName }

    /// Runs the flow to the stored tokens; throws ``HostError`` with a message for the user.
    public func run() async throws -> Outcome {
        var listener: LoopbackListener?
        var redirectPath = "/"
        if listen {
            let (port, path) = try loopbackRedirect()
            redirectPath = path
            do {
                // Listening before the URL is printed: a fast browser (or test) never
                // finds the port closed.
                listener = try LoopbackListener(port: port)
            } catch let error as HostError {
                throw HostError.failed("\(name): \(error.description); free the port, or register another loopback "
                                       + "redirect URI for the client and pass it with --redirect-uri")
            }
        }
        defer { listener?.close() }

        let state = Self.randomState()
        note("open this URL in a browser to authorize connhost for \(name) (\(client.account)):")
        output(client.authorizationURL(state: state).absoluteString)
        let deadline = Date().addingTimeInterval(timeout)
        let received: Received
        if let listener {
            let path = redirectPath
            note("waiting up to \(Self.seconds(timeout)) for the redirect to \(client.redirectURI) (Ctrl-C to stop)")
            received = try await Self.offThread { try waitForRedirect(listener, path: path, state: state, deadline: deadline) }
        } else {
            note("after approving, paste the URL the browser was sent to (it starts with \(client.redirectURI)) and press Enter:")
            received = try await Self.offThread { try readPastedRedirect(state: state, deadline: deadline) }
        }
        context.registerSecret(received.code)

        let tokens: OAuth2Tokens
        do {
            tokens = try await OAuth2TokenEndpoint(client: client, context: context).exchange(code: received.code)
        } catch {
            received.request?.respond(status: 502, title: "Authorization failed",
                                      message: "connhost could not exchange the authorization code; see the terminal.")
            throw HostError.failed(context.redact(exchangeFailure(error)))
        }
        context.registerSecret(tokens.accessToken)
        if let refreshToken = tokens.refreshToken { context.registerSecret(refreshToken) }
        let path: String
        do {
            path = try context.tokenStore.save(tokens)
        } catch {
            received.request?.respond(status: 502, title: "Authorization failed",
                                      message: "connhost could not store the tokens; see the terminal.")
            throw HostError.failed(context.redact("\(name): \(error)"))
        }
        received.request?.respond(status: 200, title: "connhost is authorized",
                                  message: "connhost received access to \(client.account) for \(name). You can close this tab.")
        return Outcome(path: path, tokens: tokens)
    }

    /// A redirect that passed the checks: its code, and the browser waiting for a page.
    struct Received: @unchecked Sendable {
        var code: String
        var request: LoopbackListener.Request?
    }

    /// The port and path of a loopback `http://` redirect URI, or a usage error.
    func loopbackRedirect() throws -> (UInt16, String) {
        guard let components = URLComponents(string: client.redirectURI), components.scheme?.lowercased() == "http",
              let host = components.host?.lowercased(), host == "127.0.0.1" || host == "localhost" else {
            throw HostError.usage("\(name): the redirect URI \(client.redirectURI) is not a loopback http:// address, so "
                                  + "connhost cannot receive the redirect; use --no-listen and paste the redirected URL")
        }
        let port = components.port ?? 80
        guard (1...65535).contains(port) else {
            throw HostError.usage("\(name): the redirect URI \(client.redirectURI) has no usable port")
        }
        return (UInt16(port), components.path.isEmpty ? "/" : components.path)
    }

    /// Answers requests on `listener` until one carries `state` and a code.
    func waitForRedirect(_ listener: LoopbackListener, path: String, state: String, deadline: Date) throws -> Received {
        var refused = 0
        while let request = try listener.next(until: deadline) {
            guard request.method == "GET", let callback = OAuthCallback(request.target), callback.path == path else {
                request.respond(status: 404, title: "Not found", message: "connhost is waiting for the authorization redirect only.")
                continue
            }
            guard callback.state == state else {
                refused += 1
                note("refused a redirect whose state does not match this authorization (a stale or forged link); still waiting")
                request.respond(status: 400, title: "Authorization refused",
                                message: "This redirect does not belong to the authorization connhost is waiting for "
                                    + "(its state does not match). Use the URL connhost printed last.")
                continue
            }
            if let error = callback.error {
                request.respond(status: 400, title: "Authorization denied", message: "The service answered: \(error).")
                throw HostError.failed(denied(callback))
            }
            guard let code = callback.code else {
                refused += 1
                note("refused a redirect without an authorization code; still waiting")
                request.respond(status: 400, title: "Authorization refused", message: "The redirect carries no authorization code.")
                continue
            }
            return Received(code: code, request: request)
        }
        var message = "\(name): no authorization reached \(client.redirectURI) within \(Self.seconds(timeout))"
        if refused > 0 { message += " (refused \(refused) redirect\(refused == 1 ? "" : "s") with a wrong state or no code)" }
        message += "; if the browser showed an error about the redirect URI, pass the one registered for the client "
            + "with --redirect-uri"
        throw HostError.failed(message)
    }

    /// Reads pasted URLs from stdin until one carries `state` and a code.
    func readPastedRedirect(state: String, deadline: Date) throws -> Received {
        var reader = StandardInputLines()
        while true {
            guard let line = reader.next(until: deadline) else {
                throw HostError.failed(reader.ended
                    ? "\(name): stdin ended before a redirected URL was pasted"
                    : "\(name): no redirected URL was pasted within \(Self.seconds(timeout))")
            }
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let callback = OAuthCallback(line), callback.state == state else {
                note("that URL does not carry the state of this authorization; paste the URL the browser was sent to")
                continue
            }
            if callback.error != nil { throw HostError.failed(denied(callback)) }
            guard let code = callback.code else {
                note("that URL carries no authorization code; paste the URL the browser was sent to")
                continue
            }
            return Received(code: code, request: nil)
        }
    }

    private func denied(_ callback: OAuthCallback) -> String {
        let detail = [callback.error, callback.errorDescription].compactMap { $0 }.joined(separator: ": ")
        return Self.printable("\(name): the authorization was refused (\(detail)); run 'connhost auth \(name)' to try again")
    }

    /// The message for a failed code exchange, naming what to fix.
    private func exchangeFailure(_ error: OAuth2TokenError) -> String {
        let host = client.tokenHost
        switch error {
        case .rejected where error.isInvalidClient:
            return "\(name): \(host) rejected the client credentials (\(error.summary)); "
                + "check --\(client.clientIDField.name) and --\(client.clientSecretField.name)"
        case .rejected:
            return "\(name): \(host) refused the authorization code (\(error.summary)); run 'connhost auth \(name)' again"
        case .unreachable(let message):
            return "\(name): \(message)"
        default:
            return "\(name): the token request to \(host) failed (\(error.summary))"
        }
    }

    /// 128 random bits, hex: unguessable, and safe in any URL.
    static func randomState() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    static func seconds(_ value: TimeInterval) -> String {
        String(format: "%g s", value)
    }

    /// Text from the network without control characters, so it cannot rewrite the terminal.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
    }

    /// Runs blocking socket or stdin waits on their own thread, off the cooperative pool.
    static func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
