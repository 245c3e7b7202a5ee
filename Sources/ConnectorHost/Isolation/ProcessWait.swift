import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Process {
    /// Waits for the process to end by polling, killing it after `timeout` seconds.
    ///
    /// Foundation's `waitUntilExit` spins a run loop that, called off the main thread from
    /// async code, sometimes never sees the exit (seen here: a demo that hung, burning CPU).
    public func waitForExit(timeout: TimeInterval? = nil) {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var delay: useconds_t = 200
        while isRunning {
            if let deadline, Date() >= deadline {
                kill(processIdentifier, SIGKILL)
                break
            }
            usleep(delay)
            delay = min(delay * 2, 20_000)
        }
        while isRunning { usleep(5_000) }
    }
}
