import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
