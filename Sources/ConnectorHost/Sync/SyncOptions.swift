import ConnectorKit
import Foundation

/// Host-side knobs of a sync that are not connector configuration.
public struct SyncOptions: Sendable {
    /// Seconds before one request is abandoned (and retried).
    public var requestTimeout: TimeInterval = 30
    /// Attempts per request.
    public var maxAttempts = 6
    /// Concurrent requests a connector may make.
    public var concurrency = 4
    /// Whether retries and waits are logged on stderr.
    public var verbose = false

    /// Default options.
    public init() {}

    /// Reads `CONNHOST_TIMEOUT`, `CONNHOST_MAX_ATTEMPTS`, `CONNHOST_CONCURRENCY` and
    /// `CONNHOST_VERBOSE`, so an isolated worker inherits what its parent was given.
    public init(environment: [String: String]) {
        if let value = environment["CONNHOST_TIMEOUT"].flatMap(Double.init), value > 0 { requestTimeout = value }
        if let value = environment["CONNHOST_MAX_ATTEMPTS"].flatMap(Int.init), value > 0 { maxAttempts = value }
        if let value = environment["CONNHOST_CONCURRENCY"].flatMap(Int.init), value > 0 { concurrency = value }
        verbose = environment["CONNHOST_VERBOSE"] == "1"
    }

    /// The same options as environment variables for a worker process.
    public var environment: [String: String] {
        ["CONNHOST_TIMEOUT": String(requestTimeout), "CONNHOST_MAX_ATTEMPTS": String(maxAttempts),
         "CONNHOST_CONCURRENCY": String(concurrency), "CONNHOST_VERBOSE": verbose ? "1" : "0"]
    }

    /// A context for one sync, redacting `secrets`.
    public func makeContext(secrets: [String]) -> ConnectorContext {
        let verbose = self.verbose
        return ConnectorContext(requestTimeout: requestTimeout, maxAttempts: maxAttempts,
                                concurrency: concurrency, secrets: secrets,
                                log: { line in
                                    if verbose { FileHandle.standardError.write(Data("connhost: \(line)\n".utf8)) }
                                })
    }
}
