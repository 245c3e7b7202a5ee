import ConnectorHost
import Foundation

/// A loopback HTTP listener that records every request it gets and answers 404: put its
/// URL where a page must never fetch from, and check that nothing arrived.
///
/// It listens on a thread of its own (a poll loop bounded by `lifetime`), so a test never
/// blocks a cooperative or dispatch worker thread on it.
final class RequestCanary: @unchecked Sendable {
    let url: String
    private let listener: LoopbackListener
    private let lock = NSLock()
    private var targets: [String] = []
    private var stopped = false
    private let finished = DispatchGroup()

    init(lifetime: TimeInterval = 120) throws {
        listener = try LoopbackListener(port: 0)
        url = "http://127.0.0.1:\(listener.port)"
        let deadline = Date().addingTimeInterval(lifetime)
        finished.enter()
        let thread = Thread { [self] in
            defer { finished.leave() }
            while Date() < deadline, !isStopped {
                guard let request = try? listener.next(until: min(deadline, Date().addingTimeInterval(0.1))) else { continue }
                lock.withLock { targets.append(request.target) }
                request.respond(status: 404, title: "Not found", message: "canary")
            }
        }
        thread.start()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// Stops listening and returns the request targets received.
    func stop() async -> [String] {
        lock.withLock { stopped = true }
        await withCheckedContinuation { continuation in finished.notify(queue: .global()) { continuation.resume() } }
        listener.close()
        return lock.withLock { targets }
    }
}
