import Foundation
import Glibc

/// Minimal HTTP/1.1 server on BSD sockets, bound to 127.0.0.1 only. One thread per
/// connection with keep-alive: simple, and plenty for loopback tests and benchmarks.
/// Every accepted socket gets TCP_NODELAY; without it each keep-alive response waits
/// ~40 ms on Nagle plus delayed ACK and every client looks ten times slower.
final class HTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest) -> Reply

    let port: UInt16
    private let listenFD: Int32

    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    /// Binds and listens immediately so the port is known before the URL line is printed.
    init(port requestedPort: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requestedPort.bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw SocketError(description: "bind 127.0.0.1:\(requestedPort): \(message)")
        }
        guard listen(fd, 512) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw SocketError(description: "listen: \(message)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listenFD = fd
        port = UInt16(bigEndian: actual.sin_port)
    }

    /// Accepts forever on the calling thread; each connection gets its own thread.
    func serve(_ handler: @escaping Handler) -> Never {
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno != EINTR { usleep(10_000) }
                    continue
                }
                fatalError("accept: \(String(cString: strerror(errno)))")
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connection = Connection(fd: client, handler: handler)
            let thread = Thread { connection.run() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}

/// One client connection: reads requests (pipelining tolerated), answers them in
/// order, and closes on `Connection: close`, parse errors or EOF.
private final class Connection: @unchecked Sendable {
    let fd: Int32
    let handler: HTTPServer.Handler

    init(fd: Int32, handler: @escaping HTTPServer.Handler) {
        self.fd = fd
        self.handler = handler
    }

    func run() {
        defer { close(fd) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        var consumed = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            // Answer every complete request already buffered.
            while true {
                let parsed: (HTTPRequest, Int)?
                do {
                    parsed = try HTTPRequestParser.parse(buffer, from: consumed)
                } catch {
                    let status = error == .unsupported ? 501 : 400
                    let body = HTTPResponse(status: status, json: "{\"error\":\"Bad request\"}")
                    _ = sendAll(body.serialized(close: true))
                    return
                }
                guard let (request, used) = parsed else { break }
                consumed += used
                let close = request.wantsClose
                let reply = handler(request)
                let keepAliveHeader = request.version == "HTTP/1.0" && !close
                let bytes = reply.response.serialized(close: close, keepAliveHeader: keepAliveHeader)
                if reply.resetHalfway {
                    _ = sendAll(Array(bytes[0..<(bytes.count / 2)]))
                    abortiveClose()
                    return
                }
                guard sendAll(bytes), !close else { return }
            }
            if consumed > 0 {
                buffer.removeFirst(consumed)
                consumed = 0
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    private func sendAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    /// SO_LINGER 0 makes close() send RST: the client sees a reset mid-response.
    private func abortiveClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }
}
