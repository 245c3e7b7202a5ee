import Foundation
import Synchronization

/// What the host lends a connector session: identity, limits, counters and redaction.
///
/// One context serves one sync of one connector. Everything in it is thread-safe.
public final class ConnectorContext: Sendable {
    /// Sent as `User-Agent` on every request.
    public let userAgent: String
    /// How long one request may take before it is abandoned and retried.
    public let requestTimeout: TimeInterval
    /// Attempts per request, the first one included.
    public let maxAttempts: Int
    /// Retries allowed in the whole sync, across all requests.
    public let retryBudget: Int
    /// The first backoff delay; later ones double, with jitter, up to `maxBackoff`.
    public let initialBackoff: TimeInterval
    /// The longest backoff (and the longest `Retry-After` honoured).
    public let maxBackoff: TimeInterval
    /// Concurrent page fetches a connector may make (1 = sequential).
    public let concurrency: Int
    /// Counters shown in the sync summary.
    public let metrics = RequestMetrics()
    /// Where OAuth tokens of this user live (`$XDG_CONFIG_HOME/connhost/tokens`).
    public let tokenStore: OAuth2TokenStore
    /// The name stored credentials are kept under (the connector instance, `acme`); `nil`
    /// to derive it from the account URL (``ServiceDeclaration/account(of:)``).
    public let instance: String?
    /// Limits that replace every plugin's declared ones (`--rate-limit`); `nil` keeps them.
    public let rateLimits: [RateLimit]?

    // Mutable because tokens obtained or refreshed during a run must be redacted too.
    private let secrets: Mutex<[String]>
    private let log: @Sendable (String) -> Void

    /// Creates a context. `secrets` are redacted from every message the kit produces.
    public init(userAgent: String = "connhost/0.1.0", requestTimeout: TimeInterval = 30,
                maxAttempts: Int = 6, retryBudget: Int = 500,
                initialBackoff: TimeInterval = 0.2, maxBackoff: TimeInterval = 30,
                concurrency: Int = 4, tokenStore: OAuth2TokenStore = .standard(), instance: String? = nil,
                rateLimits: [RateLimit]? = nil,
                secrets: [String] = [], log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.userAgent = userAgent
        // FoundationNetworking traps on an infinite or huge interval; the CLI bounds it too.
        self.requestTimeout = requestTimeout.isFinite ? min(max(requestTimeout, 0.01), 86_400) : 30
        self.maxAttempts = max(1, maxAttempts)
        self.retryBudget = max(0, retryBudget)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.concurrency = max(1, concurrency)
        self.tokenStore = tokenStore
        self.instance = instance
        self.rateLimits = rateLimits
        self.secrets = Mutex(Self.ordered(secrets))
        self.log = log
    }

    /// `text` with every secret replaced by `[REDACTED]`. URLs are left whole (an authorize
    /// URL must be printed as it is); error messages also go through ``URLRedaction``.
    public func redact(_ text: String) -> String {
        secrets.withLock { $0 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "[REDACTED]") }
    }

    /// Adds values learnt during the run (OAuth codes and tokens) to those redacted.
    public func registerSecret(_ values: String...) {
        secrets.withLock { $0 = Self.ordered($0 + values) }
    }

    /// Long enough to redact safely, without repeats, longest first (so that a secret
    /// containing another is removed whole).
    private static func ordered(_ values: [String]) -> [String] {
        Array(Set(values.filter { $0.count >= 4 })).sorted { $0.count > $1.count }
    }

    /// Logs a line (retries, waits) through the host, redacted.
    public func note(_ message: String) {
        log(redact(message))
    }
}

/// Thread-safe counters of one sync's HTTP traffic.
public final class RequestMetrics: Sendable {
    /// A snapshot of the counters.
    public struct Counts: Sendable, Equatable {
        /// Requests sent, retries included.
        public var requests = 0
        /// Requests that were retries.
        public var retries = 0
        /// 429 answers received.
        public var rateLimited = 0
        /// Seconds spent waiting for the rate limiter or backoff.
        public var waitedSeconds: Double = 0
    }

    private let state = Mutex(Counts())

    /// Creates zeroed counters.
    public init() {}

    /// The current counts.
    public var counts: Counts { state.withLock { $0 } }

    func update(_ body: (inout Counts) -> Void) {
        state.withLock { body(&$0) }
    }
}
