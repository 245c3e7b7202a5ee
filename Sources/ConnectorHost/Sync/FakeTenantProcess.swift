import Foundation

/// A running `FakeSaaS` tenant on loopback (for `connhost demo` and benchmarks).
public final class FakeTenantProcess {
    /// `http://127.0.0.1:PORT`, as the server printed on its first line.
    public let url: String
    private let process: Process

    private init(url: String, process: Process) {
        self.url = url
        self.process = process
    }

    /// Starts `executable` with `arguments` and waits (at most `timeout`) for its URL line.
    public static func start(executable: String, arguments: [String], timeout: TimeInterval = 60) throws -> FakeTenantProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let firstLine = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var line = "" }
        let box = Box()
        Thread.detachNewThread {
            var bytes = Data()
            while true {
                let chunk = output.fileHandleForReading.readData(ofLength: 1)
                if chunk.isEmpty || chunk == Data([0x0A]) { break }
                bytes.append(chunk)
            }
            box.line = String(decoding: bytes, as: UTF8.self)
            firstLine.signal()
        }
        guard firstLine.wait(timeout: .now() + timeout) == .success, box.line.hasPrefix("http://") else {
            process.terminate()
            throw HostError.failed("the fake tenant did not start (\(executable) \(arguments.prefix(1).joined()))")
        }
        return FakeTenantProcess(url: box.line.trimmingCharacters(in: .whitespaces), process: process)
    }

    /// Stops the server.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitForExit(timeout: 5)
        }
    }

    deinit { stop() }
}
