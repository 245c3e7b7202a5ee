import ConnectorHost
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `StatusServer` over real loopback sockets: routing, HEAD, hostile requests, idle
/// connections, concurrency, addresses and shutdown.
@Suite struct StatusServerTests {
    /// The requests a server saw, in order.
    final class Seen: Sendable {
        let lines = Mutex<[String]>([])
    }

    /// The routes `connhost serve` will have, with fixed content, counting what it served.
    static func server(host: String = "127.0.0.1", port: UInt16 = 0, seen: Seen? = nil) throws -> StatusServer {
        try StatusServer(host: host, port: port) { method, path in
            seen?.lines.withLock { $0.append("\(method) \(path)") }
            switch (method, path) {
            case ("GET", "/healthz"), ("HEAD", "/healthz"):
                return .text("ok\n")
            case ("GET", "/metrics"):
                var metrics = PrometheusText()
                metrics.family("connhost_up", .gauge, help: "1 while the scheduler runs.", samples: [(labels: [], value: 1)])
                return StatusServer.Response(status: 200, contentType: PrometheusText.contentType, body: Array(metrics.text.utf8))
            case ("GET", "/"):
                return StatusServer.Response(status: 200, contentType: "text/html; charset=utf-8", body: Array("<h1>connhost</h1>".utf8))
            case (_, "/healthz"), (_, "/metrics"), (_, "/"):
                return .text("method not allowed\n", status: 405)
            default:
                return .text("not found\n", status: 404)
            }
        }
    }

    @Test func answersTheRoutesOnAPickedPort() async throws {
        let seen = Seen()
        let server = try Self.server(seen: seen)
        #expect(server.port != 0)
        #expect(server.url == "http://127.0.0.1:\(server.port)")

        let health = try await LoopbackHTTP.get(server.url + "/healthz")
        #expect(health.status == 200 && health.body == "ok\n")
        #expect(health.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(health.headers["content-length"] == "3" && health.headers["connection"] == "close")

        let metrics = try await LoopbackHTTP.get(server.url + "/metrics?x=1")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(try PrometheusParser.parse(metrics.body).map(\.name) == ["connhost_up"])

        let page = try await LoopbackHTTP.get(server.url + "/")
        #expect(page.status == 200 && page.body == "<h1>connhost</h1>")
        #expect(try await LoopbackHTTP.get(server.url + "/nope").status == 404)

        let post = try await LoopbackHTTP.exchange(Array("POST /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n".utf8), port: Int(server.port))
        #expect(post.status == 405)
        let head = try await LoopbackHTTP.exchange(Array("HEAD /healthz HTTP/1.1\r\n\r\n".utf8), port: Int(server.port))
        #expect(head.status == 200 && head.headers["content-length"] == "3" && head.body.isEmpty)

        #expect(seen.lines.withLock { $0 } == ["GET /healthz", "GET /metrics", "GET /", "GET /nope", "POST /healthz", "HEAD /healthz"])
        await server.stop()
    }

    @Test func refusesMalformedAndOversizedRequestsAndKeepsServing() async throws {
        let server = try Self.server()
        let port = Int(server.port)
        let garbage = try await LoopbackHTTP.exchange(Array("NONSENSE\r\n\r\n".utf8), port: port)
        #expect(garbage.status == 400)
        let huge = try await LoopbackHTTP.exchange(Array(("GET /" + String(repeating: "a", count: 20_000) + " HTTP/1.1\r\n\r\n").utf8), port: port)
        #expect(huge.status == 431)
        #expect(try await LoopbackHTTP.get(server.url + "/healthz").status == 200)
        await server.stop()
    }

    /// A client that connects and sends nothing, and another that sends half a head and
    /// stays, hold up no one else.
    @Test func idleConnectionsDoNotBlockOthers() async throws {
        let server = try Self.server()
        let idle = try Self.connect(port: server.port)
        let half = try Self.connect(port: server.port)
        _ = "GET /heal".withCString { send(half, $0, 9, Int32(MSG_NOSIGNAL)) }
        defer { close(idle); close(half) }
        // A server that waited on either would never answer (the GET gives up after 30 s).
        #expect(try await LoopbackHTTP.get(server.url + "/healthz", timeout: 30).status == 200)
        await server.stop()
    }

    @Test func servesManyClientsAtOnce() async throws {
        let server = try Self.server()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<32 {
                group.addTask { try await LoopbackHTTP.get(server.url + (i % 2 == 0 ? "/healthz" : "/metrics")).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 32 && statuses.allSatisfy { $0 == 200 })
        await server.stop()
    }

    @Test func listensOnAGivenAddressAndRefusesBadOnes() async throws {
        let server = try Self.server(host: "127.0.0.2")
        #expect(server.url == "http://127.0.0.2:\(server.port)")
        #expect(try await LoopbackHTTP.get(server.url + "/healthz").status == 200)
        // Nothing answers on another loopback address at that port.
        await #expect(throws: HostError.self) { try await LoopbackHTTP.get("http://127.0.0.1:\(server.port)/healthz") }

        #expect(throws: HostError.usage("cannot listen on localhost:0: not an IPv4 address")) { try Self.server(host: "localhost") }
        #expect(throws: HostError.usage("cannot listen on 127.0.0.300:0: not an IPv4 address")) { try Self.server(host: "127.0.0.300") }
        #expect(throws: HostError.failed("cannot listen on 127.0.0.2:\(server.port): Address already in use")) {
            try Self.server(host: "127.0.0.2", port: server.port)
        }
        await server.stop()
    }

    @Test func stopReleasesThePort() async throws {
        let server = try Self.server()
        let port = server.port
        #expect(try await LoopbackHTTP.get(server.url + "/healthz").status == 200)
        await server.stop()
        await server.stop()  // a second stop returns at once
        await #expect(throws: HostError.self) { try await LoopbackHTTP.get("http://127.0.0.1:\(port)/healthz", timeout: 5) }
        let again = try Self.server(port: port)
        #expect(try await LoopbackHTTP.get(again.url + "/healthz").status == 200)
        await again.stop()
    }

    private static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HostError.failed("connect failed") }
        return fd
    }
}
