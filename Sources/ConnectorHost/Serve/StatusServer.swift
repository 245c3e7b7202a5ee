import Foundation
import Synchronization

/// Answers HTTP requests (`/healthz`, `/metrics`, the status page) through a routing
/// closure, on a ``LoopbackListener`` served by a thread of its own.
///
/// The socket calls block, so they never run on the cooperative pool: the thread waits in
/// `poll` in slices of at most 100 ms and checks for ``stop()`` between them. `route` runs
/// on that thread, one request at a time; it should read state that is ready (behind a
/// lock), not wait for work.
public final class StatusServer: Sendable {
    /// What the routing closure answers.
    public struct Response: Sendable {
        /// The HTTP status, e.g. 200.
        public var status: Int
        /// The `Content-Type` header.
        public var contentType: String
        /// The body bytes.
        public var body: [UInt8]

        /// A response with a body.
        public init(status: Int, contentType: String, body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }

        /// A plain-text response.
        public static func text(_ text: String, status: Int = 200) -> Response {
            Response(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
        }
    }

    /// The address listened on, e.g. `127.0.0.1`.
    public let host: String
    /// The port listened on (the picked one when asked for port 0).
    public let port: UInt16
    /// Shared with the serving thread, which may outlive this object by one poll slice.
    private final class Control: Sendable {
        let state = Mutex<(stopping: Bool, stopped: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, false, []))
        func withLock<R>(_ body: (inout (stopping: Bool, stopped: Bool, waiters: [CheckedContinuation<Void, Never>])) -> R) -> R {
            state.withLock { body(&$0) }
        }
    }
    private let state = Control()

    /// `http://HOST:PORT`, as `connhost serve` prints it.
    public var url: String { "http://\(host):\(port)" }

    /// Listens on `host`:`port` and starts answering: `route` gets the method and the
    /// path (the query cut off) of each request.
    public init(host: String = "127.0.0.1", port: UInt16 = 0,
                route: @escaping @Sendable (_ method: String, _ path: String) -> Response) throws {
        let listener = try LoopbackListener(port: port, host: host)
        self.host = listener.host
        self.port = listener.port
        let thread = Thread { [state] in
            while !state.withLock({ $0.stopping }) {
                guard let request = try? listener.next(until: Date().addingTimeInterval(0.1)) else { continue }
                let path = String(request.target.prefix { $0 != "?" && $0 != "#" })
                let response = route(request.method, path)
                request.respond(status: response.status, contentType: response.contentType, body: response.body)
            }
            listener.close()
            let waiters = state.withLock { s in
                s.stopped = true
                defer { s.waiters = [] }
                return s.waiters
            }
            waiters.forEach { $0.resume() }
        }
        thread.name = "connhost-status-server"
        thread.start()
    }

    /// Stops answering and closes the socket; returns once the port is released.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                s.stopping = true
                if s.stopped { return true }
                s.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// A server dropped without ``stop()`` still lets its thread end and the port go.
    deinit {
        state.withLock { $0.stopping = true }
    }
}
