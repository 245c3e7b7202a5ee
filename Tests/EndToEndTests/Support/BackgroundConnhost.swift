import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `connhost` child started in the background, to signal while it works and await
/// without blocking a thread.
final class BackgroundConnhost: @unchecked Sendable {
    private let process = Process()
    private let errors: FileHandle
    private let errorPath: String

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: Products.connhost)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("BATON_") || key.hasPrefix("CONNHOST_") || key.hasPrefix("PG") {
            environment[key] = nil
        }
        process.environment = environment
        // stderr goes to a file: a pipe nobody reads while the child runs could fill up.
        errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("connhost-stderr-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: errorPath, contents: nil)
        errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? errors.close()
        unlink(errorPath)
    }

    func signal(_ signo: Int32) { kill(process.processIdentifier, signo) }

    /// The exit status (128 + signal when killed); SIGKILLs the child after `timeout`.
    func status(timeout: TimeInterval = 120) async -> Int32 {
        await process.exitStatus(timeout: timeout)
    }

    /// What the child wrote on stderr so far.
    var stderr: String {
        (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    }
}

extension Process {
    /// Awaits the end of the process by polling with `Task.sleep` (no thread blocked),
    /// SIGKILLing it after `timeout` seconds; 128 + signal when a signal ended it.
    func exitStatus(timeout: TimeInterval) async -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() >= deadline { kill(processIdentifier, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return terminationReason == .uncaughtSignal ? 128 + terminationStatus : terminationStatus
    }
}
