import ConnectorKit
import Foundation

/// A `postgresql://` (or `postgres://`) connection URL given as `--output` or to
/// `show`/`diff`, with connhost's own query parameters taken out.
///
/// The URL is passed to libpq as is (multiple hosts, `sslmode`, `connect_timeout` and the
/// other libpq parameters all work); connhost reads only `sync=<id>` and
/// `connector=<name>`: for `show` and `diff` they pick the sync to read, for `sync`
/// `connector=` is the name the run is recorded under (one database, many instances).
///
/// The password may be in the URL (user info, or `?password=`); it is never printed.
/// `description` and `displayed` show URLs the project's way (``URLRedaction``: user info
/// and query values replaced), and `redact` also removes the password's value wherever
/// else it appears (libpq's messages included). This is the one place that knows how a
/// password sits in a connection URL.
public struct PostgreSQLURL: CustomStringConvertible, Sendable {
    /// The URL for libpq: the original without connhost's parameters.
    public let connectionString: String
    /// `?sync=<id>`: the sync to read, or `nil` for the latest successful one.
    public let syncID: String?
    /// `?connector=<name>`: the name a sync is recorded under, and read by.
    public let connector: String?
    /// The password from the URL's user info or `?password=`, percent-decoded, if any.
    public let password: String?
    /// The password exactly as written in the URL (still percent-encoded).
    private let rawPassword: String?

    /// Whether `text` is a PostgreSQL URL rather than a file path.
    public static func matches(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgresql://") || lowered.hasPrefix("postgres://")
    }

    /// Parses `text`; a usage error (without the password) when it is not a usable URL.
    public init(_ text: String) throws {
        guard Self.matches(text), let schemeEnd = text.range(of: "://") else {
            throw HostError.usage("not a PostgreSQL URL (postgresql://user@host:port/database)")
        }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
        let raw = Self.rawPassword(in: text)
        rawPassword = raw
        password = raw.map { $0.removingPercentEncoding ?? $0 }

        var base = String(text[..<authorityEnd]) + String(afterScheme[authorityEnd...])
        var kept: [Substring] = []
        var syncID: String?, connector: String?
        if let question = base.firstIndex(of: "?") {
            for pair in base[base.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                let value = parts.count == 2 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
                switch parts.first {
                case "sync": syncID = value
                case "connector": connector = value
                default: kept.append(pair)
                }
            }
            base = String(base[..<question]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        }
        if let syncID, Int64(syncID) == nil {
            let shown = rawPassword.map { syncID.replacingOccurrences(of: $0, with: "[REDACTED]") } ?? syncID
            throw HostError.usage("?sync= needs a sync id (a number), not '\(shown)'")
        }
        if connector?.isEmpty == true { throw HostError.usage("?connector= needs a connector name") }
        connectionString = base
        self.syncID = syncID
        self.connector = connector
    }

    /// `text` fit to print: a PostgreSQL URL redacted, anything else as is.
    public static func displayed(_ text: String) -> String {
        guard matches(text) else { return text }
        return (try? PostgreSQLURL(text))?.redact(text) ?? URLRedaction.redact(text)
    }

    /// The password as written: the user info's (which ends at the last `@` before the
    /// path or query; an `@` in a password must be percent-encoded anyway), else the
    /// `password` query parameter's.
    private static func rawPassword(in text: String) -> String? {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            let raw = String(authority[authority.index(after: colon)..<at])
            if !raw.isEmpty { return raw }
        }
        guard let question = afterScheme.firstIndex(of: "?") else { return nil }
        return afterScheme[afterScheme.index(after: question)...].split(separator: "&")
            .first { $0.hasPrefix("password=") }.map { String($0.dropFirst("password=".count)) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The URL as it may be shown (user info and query values replaced).
    public var description: String { redact(connectionString) }

    /// `text` without the password (decoded or URL-encoded), `PGPASSWORD`'s value, or
    /// the user info and query values of any URL in it.
    public func redact(_ text: String) -> String {
        let values = [rawPassword, password, ProcessInfo.processInfo.environment["PGPASSWORD"]].compactMap { $0 }.filter { !$0.isEmpty }
        return URLRedaction.redact(values.sorted { $0.count > $1.count }.reduce(text) { $0.replacingOccurrences(of: $1, with: "[REDACTED]") })
    }
}
