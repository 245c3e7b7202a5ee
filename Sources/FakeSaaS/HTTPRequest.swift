/// One parsed HTTP/1.1 request. Only what the fake APIs need: method, target, query
/// parameters and headers (names lower-cased; values kept exactly, because auth
/// checks compare them byte for byte).
struct HTTPRequest: Sendable {
    var method: String
    /// The raw request target, path plus `?query`; the fault hash key uses it as sent.
    var target: String
    var path: String
    var query: [String: String]
    var version: String
    var headers: [(name: String, value: String)]
    /// The `Content-Length` body (the OAuth token endpoint reads its form from it).
    var body: [UInt8] = []

    func header(_ name: String) -> String? {
        headers.first(where: { $0.name == name })?.value
    }

    /// HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 closes unless told
    /// `keep-alive`.
    var wantsClose: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        if version == "HTTP/1.0" { return !connection.contains("keep-alive") }
        return connection.contains("close")
    }

    /// Integer query parameter, nil when absent or not a number.
    func intParameter(_ name: String) -> Int? {
        query[name].flatMap { Int($0.trimmingSpaces()) }
    }
}

/// Why a request could not be parsed; the server answers it and closes.
enum HTTPParseError: Error {
    case malformed
    case unsupported
}

/// Incremental request parser over the connection's receive buffer. It returns
/// nil until a whole request (head plus any Content-Length body) has arrived, which
/// also makes pipelined requests work.
enum HTTPRequestParser {
    static let maxHeadBytes = 64 * 1024

    /// Parses one request from the front of `buffer`; returns it and the number of
    /// bytes it used.
    static func parse(_ buffer: [UInt8], from start: Int) throws(HTTPParseError) -> (HTTPRequest, Int)? {
        guard let headEnd = findHeadEnd(buffer, from: start) else {
            if buffer.count - start > maxHeadBytes { throw .malformed }
            return nil
        }
        guard let head = String(validating: buffer[start..<headEnd], as: UTF8.self) else { throw .malformed }
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { throw .malformed }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else { throw .malformed }

        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed }
            let name = line[..<colon].lowercased()
            let value = String(line[line.index(after: colon)...]).trimmingSpaces()
            headers.append((name, value))
        }
        if let te = headers.first(where: { $0.name == "transfer-encoding" }), te.value.lowercased() != "identity" {
            throw .unsupported
        }
        var bodyLength = 0
        if let cl = headers.first(where: { $0.name == "content-length" }) {
            guard let n = Int(cl.value), n >= 0 else { throw .malformed }
            bodyLength = n
        }
        let total = headEnd + 4 + bodyLength
        guard buffer.count >= total else { return nil }

        let target = String(requestLine[1])
        let (path, query) = splitTarget(target)
        let request = HTTPRequest(method: String(requestLine[0]), target: target, path: path,
                                  query: query, version: String(requestLine[2]), headers: headers,
                                  body: Array(buffer[(headEnd + 4)..<total]))
        return (request, total - start)
    }

    /// Index of the `\r\n\r\n` that ends the head, if present.
    private static func findHeadEnd(_ buffer: [UInt8], from start: Int) -> Int? {
        guard buffer.count - start >= 4 else { return nil }
        var i = start
        let last = buffer.count - 4
        while i <= last {
            if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                return i
            }
            i += 1
        }
        return nil
    }

    /// Splits `path?query` and decodes the query (first value wins for repeats).
    static func splitTarget(_ target: String) -> (String, [String: String]) {
        guard let q = target.firstIndex(of: "?") else { return (percentDecode(target, plusIsSpace: false), [:]) }
        let path = percentDecode(String(target[..<q]), plusIsSpace: false)
        var query: [String: String] = [:]
        for pair in target[target.index(after: q)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecode(String(parts[1]), plusIsSpace: true) : ""
            if query[key] == nil { query[key] = value }
        }
        return (path, query)
    }

    static func percentDecode(_ text: String, plusIsSpace: Bool) -> String {
        guard text.utf8.contains(where: { $0 == 0x25 || (plusIsSpace && $0 == 0x2B) }) else { return text }
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x25, i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusIsSpace && b == 0x2B ? 0x20 : b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}

extension StringProtocol {
    /// Strips ASCII spaces and tabs (HTTP optional whitespace) without Foundation.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
