import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress on stderr while a sync runs: one line rewritten in place, only on a terminal.
public final class SyncProgress: @unchecked Sendable {
    private let connector: String
    private let start = Date()
    private var records: [String: Int] = [:]
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    /// A progress reporter, or `nil` when stderr is not a terminal.
    public static func forTerminal(connector: String) -> SyncProgress? {
        isatty(STDERR_FILENO) == 1 ? SyncProgress(connector: connector) : nil
    }

    init(connector: String) {
        self.connector = connector
    }

    /// Counts a page and redraws at most ten times a second.
    public func advance(type: String, records count: Int, requests: Int) {
        lock.lock(); defer { lock.unlock() }
        records[type, default: 0] += count
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let seconds = max(0.001, now.timeIntervalSince(start))
        let total = records.values.reduce(0, +)
        let parts = records.keys.sorted().map { "\(records[$0] ?? 0) \($0)" }.joined(separator: ", ")
        let line = "\(connector): \(parts), \(requests) requests, \(Int(Double(total) / seconds)) records/s"
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// Clears the progress line.
    public func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
