import Glibc
import Synchronization

/// `--hold-after N`: every counted request after the N-th is held unanswered until
/// `GET /_fake/release`, so a test can stop a client at an exact request, however slowly
/// the test itself runs, and then let the tenant serve again (a rerun). One-shot: once
/// released, nothing is held again.
final class RequestHold: Sendable {
    private struct State {
        var held = 0
        var released = false
    }

    /// Requests answered before holding starts; `nil`: never hold.
    let after: Int?
    private let state = Mutex(State())

    init(after: Int?) {
        self.after = after
    }

    /// Blocks the connection's thread while request `number` is to be held.
    func wait(number: Int) {
        guard let after, number > after else { return }
        let holding = state.withLock { s -> Bool in
            if s.released { return false }
            s.held += 1
            return true
        }
        guard holding else { return }
        while !state.withLock({ $0.released }) { usleep(5_000) }
    }

    /// Answers every held request and stops holding.
    func release() {
        state.withLock { $0.released = true }
    }

    /// `{"held":N,"released":B}` for `/_fake/hold` and `/_fake/release`.
    func statsJSON() -> [UInt8] {
        let s = state.withLock { $0 }
        return Array("{\"held\":\(s.held),\"released\":\(s.released)}".utf8)
    }
}
