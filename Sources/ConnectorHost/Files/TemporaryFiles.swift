import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Unfinished snapshot files of this process, so an interrupt can remove them before exit.
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths = Set<String>()

    /// Notes a temp file that must not outlive an interrupted process.
    public static func register(_ path: String) {
        lock.lock(); paths.insert(path); lock.unlock()
    }

    /// Forgets a temp file that was renamed into place or removed.
    public static func unregister(_ path: String) {
        lock.lock(); paths.remove(path); lock.unlock()
    }

    /// Removes every registered temp file (from a signal handler's queue, not the handler itself).
    public static func removeAll() {
        lock.lock(); defer { lock.unlock() }
        for path in paths { unlink(path) }
        paths.removeAll()
    }
}
