import ConnectorHost
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Real headless Chromium (Debian's `chromium`, installed by `scripts/install-deps`),
/// run as an awaited child process with its own profile directory.
///
/// Never skipped: a machine without Chromium fails these tests, so a broken install
/// cannot pass for a passing report.
enum Chromium {
    /// Where `chromium` is, from `PATH`.
    static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/chromium"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw HostError.failed("chromium is not installed: run scripts/install-deps (Debian package 'chromium')")
    }

    /// `--dump-dom` of `file`: the DOM after the page's scripts ran.
    static func dumpDOM(_ file: String, in directory: TemporaryDirectory) async throws -> String {
        let result = try await run(["--virtual-time-budget=2000", "--dump-dom", URL(fileURLWithPath: file).absoluteString],
                                   in: directory)
        #expect(result.status == 0, "chromium --dump-dom exited \(result.status): \(result.stderr.suffix(500))")
        return result.stdout
    }

    /// A `--screenshot` of `file` in a `width`×`height` window, written to `png`.
    static func screenshot(_ file: String, width: Int, height: Int, to png: String, in directory: TemporaryDirectory) async throws {
        let result = try await run(["--window-size=\(width),\(height)", "--hide-scrollbars", "--virtual-time-budget=2000",
                                    "--screenshot=\(png)", URL(fileURLWithPath: file).absoluteString], in: directory)
        #expect(result.status == 0, "chromium --screenshot exited \(result.status): \(result.stderr.suffix(500))")
    }

    /// Runs headless Chromium with `arguments`; stdout and stderr go to files (its helper
    /// processes may hold a pipe open after it exits), and the exit is awaited through a
    /// termination handler, never by blocking a thread. Killed after `timeout` seconds.
    static func run(_ arguments: [String], in directory: TemporaryDirectory, timeout: TimeInterval = 60) async throws -> ProcessResult {
        let run = UUID().uuidString.prefix(8)
        let profile = directory.file("chromium-profile-\(run)")
        let stdoutPath = directory.file("chromium-\(run).out"), stderrPath = directory.file("chromium-\(run).err")
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        defer { try? stdout.close(); try? stderr.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        // As root Chromium runs only without its sandbox; the profile is private to this run.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--user-data-dir=\(profile)"] + arguments
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        final class Flag: @unchecked Sendable { var timedOut = false }
        let flag = Flag()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning {
                    flag.timedOut = true
                    kill(pid, SIGKILL)
                }
            }
        }
        if flag.timedOut { Issue.record("chromium \(arguments.joined(separator: " ")) timed out after \(timeout)s") }
        let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return ProcessResult(status: status, signaled: flag.timedOut, stdout: out, stderr: err)
    }
}
