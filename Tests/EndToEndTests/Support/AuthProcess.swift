import ConnectorHost
import Foundation
import Testing

/// A `connhost auth …` child process that a test talks to while it runs: it reads the
/// authorize URL from its stdout, pastes into its stdin, then collects how it ended.
final class AuthProcess {
    private let child: ChildProcess

    /// Starts `connhost auth <arguments>` with `environment` on top of a clean one.
    init(_ arguments: [String], environment: [String: String]) throws {
        child = try ChildProcess(Products.connhost, ["auth"] + arguments, environment: environment)
    }

    /// The first stdout line containing `/oauth/authorize?`, waiting for it up to `timeout`.
    func authorizeURL(timeout: TimeInterval = 60) async throws -> String {
        var found: String?
        await eventually(timeout: timeout) {
            found = child.stdout.split(separator: "\n").first(where: { $0.contains("/oauth/authorize?") }).map(String.init)
            return found != nil || !child.isRunning
        }
        guard let found else {
            throw HostError.failed("connhost auth printed no authorize URL; stdout: \(child.stdout) stderr: \(child.stderr)")
        }
        return found
    }

    /// Writes `line` and a newline to the child's stdin (for `--no-listen`).
    func paste(_ line: String) {
        child.write(line + "\n")
    }

    /// Closes stdin, waits for the exit (killing the child after `timeout`) and returns what it left.
    func finish(timeout: TimeInterval = 60) async -> ProcessResult {
        await child.finish(timeout: timeout)
    }
}
