import Foundation
import Testing

/// Runs `executable` to completion; killed after `timeout` seconds so no test hangs, which
/// is then recorded as a test failure.
@discardableResult
public func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                directory: String? = nil, stdin: String? = nil, timeout: TimeInterval = 120,
                sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessResult {
    let child = try ChildProcess(executable, arguments, environment: environment, directory: directory)
    if let stdin { child.write(stdin) }
    let result = await child.finish(timeout: timeout)
    if result.timedOut {
        Issue.record("\(executable) \(arguments.joined(separator: " ")) timed out after \(timeout)s", sourceLocation: sourceLocation)
    }
    return result
}

/// Runs the built `connhost`.
@discardableResult
public func connhost(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                     stdin: String? = nil, timeout: TimeInterval = 120,
                     sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessResult {
    try await run(Products.connhost, arguments, environment: environment, directory: directory, stdin: stdin,
                  timeout: timeout, sourceLocation: sourceLocation)
}

/// Polls `condition` every few milliseconds until it holds, for at most `timeout` seconds;
/// returns whether it came to hold. For "wait until the temp file exists" instead of a
/// fixed sleep.
@discardableResult
public func eventually(timeout: TimeInterval = 60, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .seconds(timeout)
    var delay = Duration.milliseconds(2)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: delay)
        delay = min(delay * 2, .milliseconds(50))
    }
    return try await condition()
}
