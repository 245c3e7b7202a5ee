import Foundation
import Testing
import ConnectorHost
#if canImport(Glibc)
import Glibc
#endif

/// Where the built products are: `swift test` builds every root product beside the runner.
enum Products {
    static let directory: String = {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (runner as NSString).deletingLastPathComponent
    }()
    static var connhost: String { directory + "/connhost" }
    static var fakeSaaS: String { directory + "/FakeSaaS" }
    static func plugin(_ name: String) -> String { directory + "/lib\(name)Connector.so" }

    /// The repository root, from this file's path.
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()
}

/// What a finished child process left.
struct ProcessResult {
    var status: Int32
    var signaled: Bool
    var stdout: String
    var stderr: String
    /// Both streams, for "was the secret printed anywhere" checks.
    var output: String { stdout + stderr }
}

/// Runs `executable` to completion; killed after `timeout` seconds so no test hangs.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
         directory: String? = nil, stdin: String? = nil, timeout: TimeInterval = 120) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("BATON_") || key.hasPrefix("CONNHOST_") { env[key] = nil }
    process.environment = env.merging(environment) { _, new in new }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
    final class Buffer: @unchecked Sendable { var data = Data() }
    let outBuffer = Buffer(), errBuffer = Buffer()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outBuffer.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errBuffer.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        kill(process.processIdentifier, SIGKILL)
        group.wait()
        Issue.record("\(executable) \(arguments.joined(separator: " ")) timed out after \(timeout)s")
    }
    process.waitForExit()
    return ProcessResult(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                         stdout: String(decoding: outBuffer.data, as: UTF8.self), stderr: String(decoding: errBuffer.data, as: UTF8.self))
}

/// Runs the built `connhost`.
@discardableResult
func connhost(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
              timeout: TimeInterval = 120) throws -> ProcessResult {
    try run(Products.connhost, arguments, environment: environment, directory: directory, timeout: timeout)
}

/// A fresh directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = "connhost-test") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Files whose name marks them as unfinished snapshots.
    var strayTemporaryFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.contains(".tmp-") }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Parses a JSON object from text.
func jsonObject(_ text: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any])
}

/// Parses a JSON file.
func jsonFile(_ path: String) throws -> [String: Any] {
    let data = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// The comparable part of a snapshot: resource types, resources, entitlements, grants,
/// re-serialised with sorted keys so that key order does not matter.
func snapshotContent(_ document: [String: Any]) throws -> [String: String] {
    var content: [String: String] = [:]
    for key in ["resource_types", "resources", "entitlements", "grants"] {
        let value = document[key] ?? []
        content[key] = String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }
    return content
}
