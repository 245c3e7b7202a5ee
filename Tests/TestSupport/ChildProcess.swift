import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process that a test awaits instead of blocking on it.
///
/// Swift Testing runs tests on the cooperative pool, which has one thread per core: a test
/// that blocks a thread on `waitpid` or a pipe read stalls every other test with it. Here
/// the pipes are drained and the exit is reaped (`waitpid`) on threads of their own, and
/// an awaiting test holds no thread at all.
///
/// Spawned with `posix_spawn`, not Foundation's `Process`: its exit notification was seen
/// to miss a child's exit under load (the test then waited forever), and a child of a
/// Dispatch or Swift-concurrency thread would inherit a signal mask blocking SIGTERM; here
/// the child starts with an empty mask and default signal handlers.
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

    /// Shared with the drain and reaper threads, which outlive no test.
    private final class Shared: Sendable {
        let mutex = Mutex(State())
        func withLock<R>(_ body: (inout State) -> R) -> R { mutex.withLock { body(&$0) } }
    }
    private let state = Shared()
    private let input: FileHandle

    /// The child's process id.
    public let pid: pid_t

    /// Starts `executable` with `arguments` (in `directory` when given); `environment` is
    /// laid over this process's own, less every `BATON_*` and `CONNHOST_*` variable, so a
    /// developer's shell cannot leak in.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                directory: String? = nil) throws {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("BATON_") || key.hasPrefix("CONNHOST_") { env[key] = nil }
        env.merge(environment) { _, new in new }
        // posix_spawn has no portable chdir: env(1) changes directory, then execs the program.
        let argv = directory.map { ["/usr/bin/env", "--chdir=\($0)", executable] + arguments } ?? [executable] + arguments

        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0], stderrPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0, pipe(&stderrPipe) == 0 else {
            throw ChildProcessError(message: "pipe: \(String(cString: strerror(errno)))")
        }
        // No other child may inherit these (the dup2'ed copies in this child are not affected).
        for descriptor in stdinPipe + stdoutPipe + stderrPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for signo in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGCHLD] { sigaddset(&defaults, signo) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var child: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        let result = posix_spawn(&child, argv[0], &actions, &attributes, cArguments, cEnvironment)
        close(stdinPipe[0]); close(stdoutPipe[1]); close(stderrPipe[1])
        guard result == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0]); close(stderrPipe[0])
            throw ChildProcessError(message: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        input = FileHandle(fileDescriptor: stdinPipe[1], closeOnDealloc: true)
        drain(stdoutPipe[0], isStdout: true)
        drain(stderrPipe[0], isStdout: false)
        reap()
    }

    private func drain(_ descriptor: Int32, isStdout: Bool) {
        Thread.detachNewThread { [state] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                state.withLock { s in
                    if isStdout { s.stdout.append(contentsOf: buffer[0..<count]) } else { s.stderr.append(contentsOf: buffer[0..<count]) }
                }
            }
            close(descriptor)
            let waiters = state.withLock { s in
                s.openStreams -= 1
                return s.finishedWaiters()
            }
            waiters.forEach { $0.resume() }
        }
    }

    /// Waits for the exit on a thread of its own (blocking `waitpid`, nothing else reaps it).
    private func reap() {
        Thread.detachNewThread { [state, pid] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let signaled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
            let code = signaled ? status & 0x7F : (status >> 8) & 0xFF
            let waiters = state.withLock { s in
                s.exit = (code, signaled)
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
    }

    /// What the child printed on stdout so far.
    public var stdout: String { state.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    /// What the child printed on stderr so far.
    public var stderr: String { state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }
    /// Whether the child has not exited yet.
    public var isRunning: Bool { state.withLock { $0.exit == nil } }

    /// Writes `text` to the child's stdin.
    public func write(_ text: String) {
        try? input.write(contentsOf: Data(text.utf8))
    }

    /// Closes the child's stdin, so a reader sees end of file.
    public func closeInput() {
        try? input.close()
    }

    /// Sends `signal` to the child, if it still runs.
    public func send(_ signal: Int32) {
        // Under the lock: once reaped, the pid may belong to another process.
        state.withLock { s in if s.exit == nil { kill(pid, signal) } }
    }

    /// Waits for the exit and both streams' end; after `timeout` seconds the child is killed
    /// and the result says so.
    public func finish(timeout: TimeInterval = 120) async -> ProcessResult {
        closeInput()
        let watchdog = Task { [state, pid] in
            try await Task.sleep(for: .seconds(timeout))
            state.withLock { s in
                guard s.exit == nil else { return }
                s.timedOut = true
                kill(pid, SIGKILL)
            }
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
        send(SIGKILL)
    }
}

/// A child that could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
