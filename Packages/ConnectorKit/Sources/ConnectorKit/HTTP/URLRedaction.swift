import Foundation

/// Hides the credentials a URL can carry, wherever the URL appears in a message: the user
/// info (`https://bob:pw@host` → `https://[REDACTED]@host`) and every query value
/// (`?api_key=k&page=2` → `?api_key=[REDACTED]&page=[REDACTED]`).
///
/// The one redaction of URLs: ``BaseURL`` uses it for its messages, and the host for every
/// error it prints (`ErrorReport`). Paths without a scheme (`GET /users?page=2`, the kit's
/// own request lines) are left alone; known secret values are redacted separately
/// (``ConnectorContext/redact(_:)``), and a URL meant to be opened (OAuth's authorize URL)
/// is printed whole.
public enum URLRedaction {
    private nonisolated(unsafe) static let pattern = try! NSRegularExpression(
        pattern: #"\b([A-Za-z][A-Za-z0-9+.-]*://)([^\s/?#@'"]*@)?([^\s?#'"]*)(\?[^\s#'"]*)?"#)

    /// `text` with the user info and query values of every URL in it replaced by `[REDACTED]`.
    public static func redact(_ text: String) -> String {
        guard text.contains("://") else { return text }
        let source = text as NSString
        var result = ""
        var position = 0
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: source.length)) {
            guard match.range(at: 2).location != NSNotFound || match.range(at: 4).location != NSNotFound else { continue }
            result += source.substring(with: NSRange(location: position, length: match.range.location - position))
            result += source.substring(with: match.range(at: 1))
            if match.range(at: 2).location != NSNotFound { result += "[REDACTED]@" }
            result += source.substring(with: match.range(at: 3))
            if match.range(at: 4).location != NSNotFound {
                result += "?" + redactQuery(String(source.substring(with: match.range(at: 4)).dropFirst()))
            }
            position = match.range.location + match.range.length
        }
        return result + source.substring(from: position)
    }

    /// A query string (without `?`) with every value replaced: `a=[REDACTED]&b=[REDACTED]`.
    public static func redactQuery(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            guard let equals = pair.firstIndex(of: "=") else { return pair.isEmpty ? "" : "[REDACTED]" }
            return pair[...equals] + "[REDACTED]"
        }.joined(separator: "&")
    }
}
