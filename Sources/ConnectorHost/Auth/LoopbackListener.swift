import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP listener that hands over one request head at a time: enough to receive an
/// OAuth redirect from the user's browser, or to answer `connhost serve`'s `/healthz`,
/// `/metrics` and status page, with no package and no server.
///
/// Bound to 127.0.0.1 unless told otherwise, so nothing off this machine can reach it.
/// Several connections may be open at once (browsers pre-connect, or ask for
/// `/favicon.ico`); each is read as it becomes ready, so an idle one cannot hold up the
/// others. Every answer closes its connection. Calls block: run it on a thread of its own.
public final class LoopbackListener: @unchecked Sendable {
    /// The port listened on (the one the system picked when asked for port 0).
    public let port: UInt16
    /// The IPv4 address listened on, e.g. `127.0.0.1`.
    public let host: String
    private var listenFD: Int32
    private var pending: [Int32: [UInt8]] = [:]
    private static let maxHead = 16 * 1024
    private static let maxPending = 32

    /// One request received: its method and target; answer it with ``respond(status:title:message:)``.
    public final class Request: @unchecked Sendable {
        /// `GET`, usually.
        public let method: String
        /// The path and query, as sent.
        public let target: String
        private var fd: Int32

        init(method: String, target: String, fd: Int32) {
            self.method = method
            self.target = target
            self.fd = fd
        }

        /// Sends a small HTML page and closes the connection.
        public func respond(status: Int, title: String, message: String) {
            let body = """
            <!doctype html><html><head><meta charset="utf-8"><title>\(HTMLEscape.text(title))</title></head>
            <body style="font-family: sans-serif; margin: 3em"><h1>\(HTMLEscape.text(title))</h1><p>\(HTMLEscape.text(message))</p></body></html>

            """
            respond(status: status, contentType: "text/html; charset=utf-8", body: Array(body.utf8))
        }

        /// Sends `body` with `status` and closes the connection; a `HEAD` request gets the
        /// head only.
        public func respond(status: Int, contentType: String, body: [UInt8]) {
            guard fd >= 0 else { return }
            let reason = [200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
                          431: "Request Header Fields Too Large", 500: "Internal Server Error", 502: "Bad Gateway",
                          503: "Service Unavailable"][status] ?? "Status"
            let head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\n"
                + "Content-Length: \(body.count)\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
            LoopbackListener.sendAll(fd, Array(head.utf8) + (method == "HEAD" ? [] : body))
            Glibc.close(fd)
            fd = -1
        }

        deinit { if fd >= 0 { Glibc.close(fd) } }
    }

    /// Binds `host`:`port` (an IPv4 address; port 0 lets the system pick a free one) and listens.
    public init(port: UInt16, host: String = "127.0.0.1") throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw HostError.usage("cannot listen on \(host):\(port): not an IPv4 address")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HostError.failed("cannot open a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        // A previous run's connections in TIME_WAIT must not keep the fixed port busy.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw HostError.failed("cannot listen on \(host):\(port): \(reason)")
        }
        listenFD = fd
        self.host = host
        self.port = UInt16(bigEndian: address.sin_port)
    }

    /// The next complete request head, or `nil` when `deadline` passes first.
    public func next(until deadline: Date) throws -> Request? {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, listenFD >= 0 else { return nil }
            var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
            fds += pending.keys.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000 + 1, 1000)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw HostError.failed("waiting for the redirect failed: \(String(cString: strerror(errno)))")
            }
            for entry in fds.dropFirst() where entry.revents != 0 {
                if let request = read(entry.fd) { return request }
            }
            if fds[0].revents & Int16(POLLIN) != 0 {
                let client = accept(listenFD, nil, nil)
                if client >= 0 {
                    _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                    // A client that stops reading must not hold the answering thread for long.
                    var limit = timeval(tv_sec: 5, tv_usec: 0)
                    setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                    if pending.count >= Self.maxPending, let oldest = pending.keys.min() {
                        Glibc.close(oldest)
                        pending[oldest] = nil
                    }
                    pending[client] = []
                }
            }
        }
    }

    /// Reads what `fd` has; returns the request once its head is complete.
    private func read(_ fd: Int32) -> Request? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else {
            if n < 0 && errno == EINTR { return nil }
            Glibc.close(fd)
            pending[fd] = nil
            return nil
        }
        var buffer = pending[fd] ?? []
        buffer += chunk[0..<n]
        let end = Self.headEnd(buffer)
        // A head longer than the limit is refused whether or not its end arrived in this read.
        if end.map({ $0 > Self.maxHead }) ?? (buffer.count > Self.maxHead) {
            pending[fd] = nil
            Request(method: "", target: "", fd: fd).respond(status: 431, title: "Request too large", message: "")
            return nil
        }
        guard let end else {
            pending[fd] = buffer
            return nil
        }
        pending[fd] = nil
        let line = String(decoding: buffer[0..<end], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = line.split(separator: " ")
        guard parts.count == 3 else {
            Request(method: "", target: "", fd: fd).respond(status: 400, title: "Bad request", message: "")
            return nil
        }
        return Request(method: String(parts[0]), target: String(parts[1]), fd: fd)
    }

    private static func headEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    /// Stops listening and drops connections not yet answered.
    public func close() {
        for fd in pending.keys { Glibc.close(fd) }
        pending.removeAll()
        if listenFD >= 0 { Glibc.close(listenFD); listenFD = -1 }
    }

    deinit { close() }
}
