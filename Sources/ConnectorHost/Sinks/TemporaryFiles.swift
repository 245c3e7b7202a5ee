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

/// Turns SIGINT and SIGTERM into a clean stop: temp files removed, the previous snapshot
/// untouched (nothing was renamed yet), one line on stderr, exit 128 + signal (130, 143).
public enum InterruptHandler {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers; `describe` gives the line to print (it must not block).
    public static func install(_ describe: @escaping @Sendable (Int32) -> String) {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler {
                TemporaryFiles.removeAll()
                FileHandle.standardError.write(Data("\r\u{1B}[K\(describe(signo))\n".utf8))
                _exit(128 + signo)
            }
            source.resume()
            sources.append(source)
        }
    }
}
