import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Loads a request with a `URLSessionDataTask` that a cancelled caller leaves behind
/// instead of cancelling: the kit's replacement for `URLSession.data(for:)`.
///
/// In FoundationNetworking (Swift 6.3), cancelling a task races with its completion:
/// `data(for:)` calls `URLSessionTask.cancel()` inside the cancellation handler, where
/// `cancel()` waits for the session's work queue while a network thread finishing the same
/// request waits for the caller's task (swift-corelibs-foundation#5412: a sync stopping on
/// a failed page hung about one run in eight under load), and a `cancel()` that lands just
/// as the task completes traps ("a task that in not in the registry"). So a cancelled
/// caller returns at once with `CancellationError` and the task runs on to its answer or
/// its timeout, its result dropped. Only stopping syncs cancel, so the orphans are few and
/// bounded by the request timeout.
enum DetachableDataTask {
    /// Sends `request` on `session`; throws `CancellationError` as soon as the caller is cancelled.
    static func data(for request: URLRequest, on session: URLSession) async throws -> (Data, URLResponse) {
        let waiter = Mutex(Waiter())
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Continuation) in
                let armed = waiter.withLock { state in
                    if state.isCancelled { return false }
                    state.continuation = continuation
                    return true
                }
                guard armed else { return continuation.resume(throwing: CancellationError()) }
                session.dataTask(with: request) { data, response, error in
                    guard let continuation = waiter.withLock({ $0.take() }) else { return }
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let response {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }.resume()
            }
        } onCancel: {
            let continuation = waiter.withLock { state in
                state.isCancelled = true
                return state.take()
            }
            // Not from inside the handler: it runs under the task's status lock.
            if let continuation { DispatchQueue.global().async { continuation.resume(throwing: CancellationError()) } }
        }
    }

    private typealias Continuation = CheckedContinuation<(Data, URLResponse), any Error>

    private struct Waiter {
        var isCancelled = false
        var continuation: Continuation?

        /// The continuation, once: whoever comes first (the answer or the cancel) resumes it.
        mutating func take() -> Continuation? {
            defer { continuation = nil }
            return continuation
        }
    }
}
