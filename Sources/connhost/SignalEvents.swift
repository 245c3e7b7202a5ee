import Foundation

/// Signals delivered as calls on a queue instead of to a handler (where almost nothing is
/// safe to do): the process keeps running, and `handle` decides what a signal means.
final class SignalEvents: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    /// Routes `signals` to `handle` until ``cancel()``.
    init(_ signals: [Int32], handle: @escaping @Sendable (Int32) -> Void) {
        for signo in signals {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { handle(signo) }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops routing (the signals stay ignored: the process is about to end).
    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
