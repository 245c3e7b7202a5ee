import ConnectorHost
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A `connhost auth …` child process that a test talks to while it runs: it reads the
/// authorize URL from its stdout, pastes into its stdin, then collects how it ended.
final class AuthProcess {
    private let process = Process()
    private let input = Pipe()
    private let stdout = Stream()
    private let stderr = Stream()

    /// One output stream, drained on its own thread so the child never blocks on a full pipe.
    private final class Stream: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private let finished = DispatchSemaphore(value: 0)

        func drain(_ handle: FileHandle) {
            Thread.detachNewThread {
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    self.lock.lock(); self.data.append(chunk); self.lock.unlock()
                }
                self.finished.signal()
            }
        }

        var text: String {
            lock.lock(); defer { lock.unlock() }
            return String(decoding: data, as: UTF8.self)
        }

        func waitForEnd(timeout: TimeInterval) { _ = finished.wait(timeout: .now() + timeout) }
    }

    /// Starts `connhost auth <arguments>` with `environment` on top of a clean one.
    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: Products.connhost)
        process.arguments = ["auth"] + arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("BATON_") || key.hasPrefix("CONNHOST_") { env[key] = nil }
        process.environment = env.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        stdout.drain(out.fileHandleForReading)
        stderr.drain(err.fileHandleForReading)
    }

    /// The first stdout line containing `/oauth/authorize?`, waiting for it up to `timeout`.
    func authorizeURL(timeout: TimeInterval = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = stdout.text.split(separator: "\n").first(where: { $0.contains("/oauth/authorize?") }) {
                return String(line)
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        throw HostError.failed("connhost auth printed no authorize URL; stdout: \(stdout.text) stderr: \(stderr.text)")
    }

    /// Writes `line` and a newline to the child's stdin (for `--no-listen`).
    func paste(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// Closes stdin, waits for the exit (killing the child after `timeout`) and returns what it left.
    func finish(timeout: TimeInterval = 60) -> ProcessResult {
        try? input.fileHandleForWriting.close()
        process.waitForExit(timeout: timeout)
        stdout.waitForEnd(timeout: 10)
        stderr.waitForEnd(timeout: 10)
        return ProcessResult(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                             stdout: stdout.text, stderr: stderr.text)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
