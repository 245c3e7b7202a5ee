import ConnectorHost
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One plain HTTP/1.1 GET over a socket, redirects not followed: the test plays the
/// browser between the fake's `/oauth/authorize` and connhost's loopback listener.
struct LoopbackHTTP: Sendable {
    var status: Int
    var headers: [String: String]
    var body: String

    /// The `Location` header, for a redirect.
    var location: String? { headers["location"] }

    /// GETs `url` (an `http://127.0.0.1:PORT/…` URL) with `Connection: close`, on a thread
    /// of its own: the socket calls block.
    static func get(_ url: String, timeout: TimeInterval = 30) async throws -> LoopbackHTTP {
        try await onThread { try blockingGet(url, timeout: timeout) }
    }

    private static func blockingGet(_ url: String, timeout: TimeInterval) throws -> LoopbackHTTP {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            throw HostError.failed("not a loopback URL with a port: \(url)")
        }
        let target = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let request = Array("GET \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: connhost-tests\r\nConnection: close\r\n\r\n".utf8)
        return try parse(blockingExchange(request, host: host, port: port, timeout: timeout), from: url)
    }

    /// Sends `request` as it is to `host`:`port` and reads until the server closes, on a
    /// thread of its own: for requests `get` cannot make (HEAD, oversized heads).
    static func exchange(_ request: [UInt8], host: String = "127.0.0.1", port: Int,
                         timeout: TimeInterval = 30) async throws -> LoopbackHTTP {
        try await onThread { try parse(blockingExchange(request, host: host, port: port, timeout: timeout), from: "\(host):\(port)") }
    }

    private static func blockingExchange(_ request: [UInt8], host: String, port: Int, timeout: TimeInterval) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HostError.failed("socket failed") }
        defer { close(fd) }
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr = in_addr(s_addr: inet_addr(host == "localhost" ? "127.0.0.1" : host))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HostError.failed("cannot connect to \(host):\(port): \(String(cString: strerror(errno)))") }
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var response = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += chunk[0..<n]
        }
        return response
    }

    private static func parse(_ response: [UInt8], from url: String) throws -> LoopbackHTTP {
        let text = String(decoding: response, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { throw HostError.failed("no HTTP response from \(url): \(text)") }
        let lines = text[..<headEnd.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HostError.failed("bad status line from \(url)") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return LoopbackHTTP(status: status, headers: headers, body: String(text[headEnd.upperBound...]))
    }

    /// A port that was free a moment ago on 127.0.0.1 (for a test's redirect URI).
    static func freePort() throws -> Int { try freeLoopbackPort() }

    /// The decoded query parameters of `url`.
    static func query(_ url: String) -> [String: String] {
        var values: [String: String] = [:]
        for item in URLComponents(string: url)?.queryItems ?? [] { values[item.name] = item.value ?? "" }
        return values
    }
}
