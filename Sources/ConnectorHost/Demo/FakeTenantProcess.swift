import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A running `FakeSaaS` tenant on loopback (for `connhost demo`, tests and benchmarks).
public final class FakeTenantProcess: @unchecked Sendable {
    /// `http://127.0.0.1:PORT`, as the server printed on its first line.
    public let url: String
    private let process: Process
    /// The server's stdin, held open while this object lives: if this process dies, the
    /// pipe closes and the server ends with it.
    private let lifeline: Pipe

    private init(url: String, process: Process, lifeline: Pipe) {
        self.url = url
        self.process = process
        self.lifeline = lifeline
    }

    /// Starts `executable` with `arguments` and waits (at most `timeout`) for its URL line.
    ///
    /// The line is read on a thread of its own and awaited, so a caller on the cooperative
    /// pool holds no thread while the server starts.
    public static func start(executable: String, arguments: [String], timeout: TimeInterval = 60) async throws -> FakeTenantProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let lifeline = Pipe()
        process.standardInput = lifeline
        try process.run()
        let line = Mutex<String?>(nil)
        let reader = output.fileHandleForReading
        Thread.detachNewThread {
            var bytes = Data()
            while true {
                let chunk = reader.readData(ofLength: 1)
                if chunk.isEmpty || chunk == Data([0x0A]) { break }
                bytes.append(chunk)
            }
            line.withLock { $0 = String(decoding: bytes, as: UTF8.self) }
        }
        let deadline = ContinuousClock.now + .seconds(timeout)
        var first: String?
        while ContinuousClock.now < deadline {
            first = line.withLock { $0 }
            if first != nil || !process.isRunning { break }
            try? await Task.sleep(for: .milliseconds(5))
        }
        first = first ?? line.withLock { $0 }
        guard let first, first.hasPrefix("http://") else {
            kill(process.processIdentifier, SIGKILL)
            throw HostError.failed("the fake tenant did not start (\(executable) \(arguments.prefix(1).joined()))")
        }
        return FakeTenantProcess(url: first.trimmingCharacters(in: .whitespaces), process: process, lifeline: lifeline)
    }

    /// Stops the server (it holds nothing worth a clean shutdown); it is reaped in the background.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { stop() }
}
