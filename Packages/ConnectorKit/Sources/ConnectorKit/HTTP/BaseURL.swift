import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Validates a service's base URL the way every connector should: scheme and host only.
///
/// Rejected, each with a message that shows the corrected value: a missing scheme, a
/// trailing slash, an `/api…` path or any other path, a query or fragment, credentials in
/// the URL, a port outside 1-65535, and plain `http://` except for loopback addresses
/// (127.0.0.0/8, ::1, `localhost`: tests and demos). Messages never echo credentials: user
/// info and query values are redacted (``URLRedaction``).
public enum BaseURL {
    /// Parses `text` for the config field `field`.
    /// - Parameter accountDomain: when set (`aha.io`), a bare account name such as
    ///   `mycompany` is accepted and expanded to `https://mycompany.aha.io`.
    public static func validate(_ text: String, field: String = "base-url", accountDomain: String? = nil) throws -> URL {
        // Shown with its user info and query values hidden, whatever is wrong with it.
        let shown = text.contains("://") ? URLRedaction.redact(text)
            : String(URLRedaction.redact("x://" + text).dropFirst(4))
        func reject(_ problem: String, _ fix: String? = nil) -> ConnectorError {
            .invalidConfiguration(field: field, message: "'\(shown)' \(problem)" + (fix.map { "; use \($0)" } ?? ""))
        }
        let value = text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw ConnectorError.invalidConfiguration(field: field, message: "is empty") }

        if let accountDomain, value.range(of: #"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$"#, options: .regularExpression) != nil {
            let expanded = "https://\(value.lowercased()).\(accountDomain)"
            guard let url = URL(string: expanded) else { throw reject("is not a valid account name") }
            return url
        }
        guard value.contains("://") else {
            let authority = value.split(separator: "/").first.map(String.init) ?? value
            let host = authority.split(separator: "@").last.map(String.init) ?? authority
            throw reject("has no scheme", "https://\(host)")
        }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw reject("is not a valid URL")
        }
        let loopback = isLoopback(host)
        if let number = components.port, !(1...65535).contains(number) {
            throw reject("has port \(number); a port is a number from 1 to 65535",
                         "\(scheme == "http" && loopback ? "http" : "https")://\(host.lowercased())")
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let fixedScheme = scheme == "http" && loopback ? "http" : "https"
        let fixed = "\(fixedScheme)://\(host.lowercased())\(port)"

        guard scheme == "https" || scheme == "http" else { throw reject("has scheme \(scheme)://, not https://", fixed) }
        if scheme == "http" && !loopback { throw reject("uses plain http://; only https:// is allowed", fixed) }
        if components.user != nil || components.password != nil { throw reject("contains credentials; pass them as flags", fixed) }
        if let query = components.query { throw reject("has a query (?\(URLRedaction.redactQuery(query)))", fixed) }
        if components.fragment != nil { throw reject("has a fragment (#\(components.fragment ?? ""))", fixed) }
        let path = components.path
        if path == "/" { throw reject("has a trailing slash", fixed) }
        if path.lowercased().hasPrefix("/api") { throw reject("includes the API path \(path); give the account URL only", fixed) }
        if !path.isEmpty { throw reject("has a path (\(path)); give the account URL only", fixed) }
        guard let url = URL(string: "\(scheme)://\(host)\(port)") else { throw reject("is not a valid URL") }
        return url
    }

    /// Whether `host` is a loopback address: an IPv4 literal in 127.0.0.0/8, `::1`, or
    /// `localhost`. A name that merely starts with `127.` is not (`127.evil.example`).
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let lowered = bare.lowercased()
        if lowered == "localhost" || lowered == "localhost." { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) } == [UInt8](repeating: 0, count: 15) + [1]
        }
        return false
    }
}
