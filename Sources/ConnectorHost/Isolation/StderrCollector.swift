import Foundation

/// Drains a worker's stderr on its own thread (a full pipe would stall the worker) and
/// keeps the last lines for the crash report.
final class StderrCollector: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle, forward: Bool) {
        Thread.detachNewThread { [self] in
            try? IsolatedSync.forEachLine(of: handle) { data in
                let line = String(decoding: data, as: UTF8.self)
                if forward { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
                lock.lock()
                lines.append(line)
                if lines.count > 200 { lines.removeFirst(lines.count - 200) }
                lock.unlock()
            }
            done.signal()
        }
    }

    /// Waits for the stream to end and returns what was kept (once; later calls return nothing).
    func finish() -> [String] {
        lock.lock()
        if finished { lock.unlock(); return [] }
        finished = true
        lock.unlock()
        done.wait()
        lock.lock(); defer { lock.unlock() }
        return lines
    }
    private var finished = false
}
