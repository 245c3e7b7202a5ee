import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process that a test awaits instead of blocking on it.
///
/// Swift Testing runs tests on the cooperative pool, which has one thread per core: a test
/// that blocks a thread on `waitpid` or a pipe read stalls every other test with it. Here
/// the pipes are drained on threads of their own and the exit arrives through
/// `terminationHandler`, so an awaiting test holds no thread at all.
public final class ChildProcess: @unchecked Sendable {
    private struct State {
        var stdout = Data()
        var stderr = Data()
        var openStreams = 2
        var exit: (status: Int32, signaled: Bool)?
        var timedOut = false
        var waiters: [CheckedContinuation<Void, Never>] = []

        var isFinished: Bool { exit != nil && openStreams <= 0 }

        /// The waiters to resume, once the exit and both streams' ends have come.
        mutating func finishedWaiters() -> [CheckedContinuation<Void, Never>] {
            guard isFinished else { return [] }
            defer { waiters = [] }
            return waiters
        }
    }

    private let process: Process
    private let input: Pipe
    /// Shared with the drain threads and the termination handler, which outlive no test.
    private final class Shared: Sendable {
        let mutex = Mutex(State())
        func withLock<R>(_ body: (inout State) -> R) -> R { mutex.withLock { body(&$0) } }
    }
    private let state = Shared()

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Starts `executable` with `arguments`; `environment` is laid over this process's own,
    /// less every `BATON_*` and `CONNHOST_*` variable, so a developer's shell cannot leak in.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                directory: String? = nil) throws {
        process = Process()
        input = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("BATON_") || key.hasPrefix("CONNHOST_") { env[key] = nil }
        process.environment = env.merging(environment) { _, new in new }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        process.terminationHandler = { [state] process in
            let waiters = state.withLock { s in
                s.exit = (process.terminationStatus, process.terminationReason == .uncaughtSignal)
                return s.finishedWaiters()
            }
            waiters.forEach { $0.resume() }
            // A grandchild may still hold a pipe open: give the streams a few seconds, then
            // take what they carried so far.
            DispatchQueue.global().asyncAfter(deadline: .now() + 5) {
                let waiters = state.withLock { s in
                    s.openStreams = 0
                    return s.finishedWaiters()
                }
                waiters.forEach { $0.resume() }
            }
        }
        try process.run()
        drain(out.fileHandleForReading, isStdout: true)
        drain(err.fileHandleForReading, isStdout: false)
    }

    private func drain(_ handle: FileHandle, isStdout: Bool) {
        Thread.detachNewThread { [state] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                state.withLock { s in
                    if isStdout { s.stdout.append(chunk) } else { s.stderr.append(chunk) }
                }
            }
            let waiters = state.withLock { s in
                s.openStreams -= 1
                return s.finishedWaiters()
            }
            waiters.forEach { $0.resume() }
        }
    }

    /// What the child printed on stdout so far.
    public var stdout: String { state.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    /// What the child printed on stderr so far.
    public var stderr: String { state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }
    /// Whether the child has not exited yet.
    public var isRunning: Bool { state.withLock { $0.exit == nil } }

    /// Writes `text` to the child's stdin.
    public func write(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Closes the child's stdin, so a reader sees end of file.
    public func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Sends `signal` to the child, if it still runs.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for the exit and both streams' end; after `timeout` seconds the child is killed
    /// and the result says so.
    public func finish(timeout: TimeInterval = 120) async -> ProcessResult {
        closeInput()
        let watchdog = Task { [state, pid] in
            try await Task.sleep(for: .seconds(timeout))
            let running = state.withLock { s -> Bool in
                guard s.exit == nil else { return false }
                s.timedOut = true
                return true
            }
            if running { kill(pid, SIGKILL) }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.isFinished { return true }
                s.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        watchdog.cancel()
        return state.withLock { s in
            ProcessResult(status: s.exit?.status ?? -1, signaled: s.exit?.signaled ?? false,
                          stdout: String(decoding: s.stdout, as: UTF8.self), stderr: String(decoding: s.stderr, as: UTF8.self),
                          timedOut: s.timedOut)
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
