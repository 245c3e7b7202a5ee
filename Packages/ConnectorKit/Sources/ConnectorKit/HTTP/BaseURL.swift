import Foundation

/// Validates a service's base URL the way every connector should: scheme and host only.
///
/// Rejected, each with a message that shows the corrected value: a missing scheme, a
/// trailing slash, an `/api…` path or any other path, a query or fragment, credentials in
/// the URL, and plain `http://` except for loopback hosts (tests and demos).
public enum BaseURL {
    /// Parses `text` for the config field `field`.
    /// - Parameter accountDomain: when set (`aha.io`), a bare account name such as
    ///   `mycompany` is accepted and expanded to `https://mycompany.aha.io`.
    public static func validate(_ text: String, field: String = "base-url", accountDomain: String? = nil) throws -> URL {
        func reject(_ problem: String, _ fix: String? = nil) -> ConnectorError {
            .invalidConfiguration(field: field, message: "'\(text)' \(problem)" + (fix.map { "; use \($0)" } ?? ""))
        }
        let value = text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw ConnectorError.invalidConfiguration(field: field, message: "is empty") }

        if let accountDomain, value.range(of: #"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$"#, options: .regularExpression) != nil {
            let expanded = "https://\(value.lowercased()).\(accountDomain)"
            guard let url = URL(string: expanded) else { throw reject("is not a valid account name") }
            return url
        }
        guard value.contains("://") else {
            let host = value.split(separator: "/").first.map(String.init) ?? value
            throw reject("has no scheme", "https://\(host)")
        }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw reject("is not a valid URL")
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let isLoopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        let fixedScheme = scheme == "http" && isLoopback ? "http" : "https"
        let fixed = "\(fixedScheme)://\(host.lowercased())\(port)"

        guard scheme == "https" || scheme == "http" else { throw reject("has scheme \(scheme)://, not https://", fixed) }
        if scheme == "http" && !isLoopback { throw reject("uses plain http://; only https:// is allowed", fixed) }
        if components.user != nil || components.password != nil { throw reject("contains credentials; pass them as flags", fixed) }
        if components.query != nil { throw reject("has a query (?\(components.query ?? ""))", fixed) }
        if components.fragment != nil { throw reject("has a fragment (#\(components.fragment ?? ""))", fixed) }
        let path = components.path
        if path == "/" { throw reject("has a trailing slash", fixed) }
        if path.lowercased().hasPrefix("/api") { throw reject("includes the API path \(path); give the account URL only", fixed) }
        if !path.isEmpty { throw reject("has a path (\(path)); give the account URL only", fixed) }
        guard let url = URL(string: "\(scheme)://\(host)\(port)") else { throw reject("is not a valid URL") }
        return url
    }
}
