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
    /// Limits that replace every plugin's declared ones (`--rate-limit`); `nil` keeps them.
    public var rateLimits: [RateLimit]?

    /// Default options.
    public init() {}

    /// The bounds of `--timeout` (seconds): beyond an hour a request is not slow but stuck,
    /// and FoundationNetworking traps on huge or infinite intervals.
    public static let timeoutRange: ClosedRange<Double> = 0.01...3600
    /// The bounds of `--max-attempts`.
    public static let maxAttemptsRange: ClosedRange<Int> = 1...100
    /// The bounds of `--concurrency` (pages in flight per connector).
    public static let concurrencyRange: ClosedRange<Int> = 1...64

    /// Reads `CONNHOST_TIMEOUT`, `CONNHOST_MAX_ATTEMPTS`, `CONNHOST_CONCURRENCY`,
    /// `CONNHOST_RATE_LIMIT` and `CONNHOST_VERBOSE`, so an isolated worker inherits what its parent was given; a value
    /// out of bounds is a usage error naming the variable.
    public init(environment: [String: String]) throws {
        if let text = environment["CONNHOST_TIMEOUT"] {
            requestTimeout = try ParsedArguments.bounded(text, option: "CONNHOST_TIMEOUT", in: Self.timeoutRange, unit: "seconds")
        }
        if let text = environment["CONNHOST_MAX_ATTEMPTS"] {
            maxAttempts = try ParsedArguments.bounded(text, option: "CONNHOST_MAX_ATTEMPTS", in: Self.maxAttemptsRange)
        }
        if let text = environment["CONNHOST_CONCURRENCY"] {
            concurrency = try ParsedArguments.bounded(text, option: "CONNHOST_CONCURRENCY", in: Self.concurrencyRange)
        }
        if let text = environment["CONNHOST_RATE_LIMIT"] {
            rateLimits = [try Self.rateLimit(text, option: "CONNHOST_RATE_LIMIT")]
        }
        verbose = environment["CONNHOST_VERBOSE"] == "1"
    }

    /// Reads the environment, then the flags among ``flags`` that `arguments` holds: a
    /// flag wins over its variable, and each is checked against its bounds here only.
    public init(environment: [String: String], arguments: ParsedArguments) throws {
        try self.init(environment: environment)
        if let value = try arguments.bounded("timeout", in: Self.timeoutRange, unit: "seconds") { requestTimeout = value }
        if let value = try arguments.bounded("max-attempts", in: Self.maxAttemptsRange) { maxAttempts = value }
        if let value = try arguments.bounded("concurrency", in: Self.concurrencyRange) { concurrency = value }
        if let text = arguments.values["rate-limit"] { rateLimits = [try Self.rateLimit(text, option: "--rate-limit")] }
        if arguments.has("verbose") { verbose = true }
    }

    /// `--timeout SECONDS`: the per-request timeout.
    public static let timeoutFlag = OptionSpec.value("timeout", "SECONDS", "per-request timeout (default 30)")
    /// `--max-attempts N`.
    public static let maxAttemptsFlag = OptionSpec.value("max-attempts", "N", "attempts per request, retries included (default 6)")
    /// `--concurrency N`.
    public static let concurrencyFlag = OptionSpec.value("concurrency", "N", "pages fetched ahead concurrently per connector (default 4)")
    /// `--rate-limit RATE`: replaces every plugin's declared limits.
    public static let rateLimitFlag = OptionSpec.value("rate-limit", "RATE", "requests to stay under for every plugin, e.g. 20/s or 300/min (default: each plugin's own)")
    /// `--verbose`.
    public static let verboseFlag = OptionSpec.flag("verbose", "log retries and waits on stderr")
    /// Every flag that sets these options, for a command that offers them all.
    public static let flags = [timeoutFlag, maxAttemptsFlag, concurrencyFlag, rateLimitFlag, verboseFlag]

    /// Parses a `--rate-limit` value (`20/s`, `300/min`); a usage error names `option`.
    public static func rateLimit(_ text: String, option: String) throws -> RateLimit {
        guard let limit = RateLimit(parsing: text) else {
            throw HostError.usage("\(option) '\(text)' is not a rate such as 20/s or 300/min")
        }
        return limit
    }

    /// The same options as environment variables for a worker process.
    public var environment: [String: String] {
        ["CONNHOST_TIMEOUT": String(requestTimeout), "CONNHOST_MAX_ATTEMPTS": String(maxAttempts),
         "CONNHOST_CONCURRENCY": String(concurrency), "CONNHOST_VERBOSE": verbose ? "1" : "0"]
            .merging(rateLimits?.first.map { ["CONNHOST_RATE_LIMIT": $0.description] } ?? [:]) { $1 }
    }

    /// A context for one sync, redacting `secrets`; stored OAuth credentials are kept under
    /// `instance` when given (a configured connector instance).
    public func makeContext(secrets: [String], instance: String? = nil) -> ConnectorContext {
        let verbose = self.verbose
        return ConnectorContext(requestTimeout: requestTimeout, maxAttempts: maxAttempts,
                                concurrency: concurrency, instance: instance, rateLimits: rateLimits, secrets: secrets,
                                log: { line in
                                    if verbose { FileHandle.standardError.write(Data("connhost: \(line)\n".utf8)) }
                                })
    }
}
