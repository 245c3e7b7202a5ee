import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `<state>/changes.ndjson`: the change feed of every run, appended as it comes, one JSON
/// object per line (see ``ChangeFeed/ndjson(instance:syncID:time:)``).
///
/// A batch goes out under an exclusive `flock`, in `write`s on an `O_APPEND` descriptor,
/// and is synced before `append` returns, so lines of two runs never interleave. A crash can still leave a
/// partial last line: `append` cuts it before writing and `read` skips it, so a reader
/// never sees half a change.
public struct ChangeLog: Sendable {
    /// The file.
    public let path: String

    /// The log at `path` (created on the first append).
    public init(path: String) {
        self.path = path
    }

    /// Appends `lines` (complete lines, each ending in a newline).
    public func append(_ lines: Data) throws {
        guard !lines.isEmpty else { return }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HostError.failed("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // One appender at a time: another's write in progress must not look like a crash's leftover.
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw HostError.failed("cannot lock \(path): \(String(cString: strerror(errno)))") }
        }
        try cutPartialLine(fd)
        var offset = 0
        while offset < lines.count {
            let written = lines.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw HostError.failed("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        guard fsync(fd) == 0 else { throw HostError.failed("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    /// Every complete line, decoded; an empty list when the file does not exist yet.
    public func read() throws -> [ChangeFeed.Change] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw HostError.failed("cannot read \(path)") }
            return []
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let complete = data.lastIndex(of: 0x0A).map { data[...$0] } ?? Data()
        return try complete.split(separator: 0x0A).enumerated().map { number, line in
            do {
                return try decoder.decode(ChangeFeed.Change.self, from: Data(line))
            } catch {
                throw HostError.failed("\(path): line \(number + 1) is not a change")
            }
        }
    }

    /// Truncates the file after its last newline when a crash left a line unfinished.
    private func cutPartialLine(_ fd: Int32) throws {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, size - 1) == 1 else { throw HostError.failed("cannot read \(path)") }
        guard last != 0x0A else { return }
        // Walk back to the previous newline in small chunks: a partial line is short.
        var end = size - 1
        var chunk = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - off_t(chunk.count))
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(end - start), start) }
            guard count == Int(end - start) else { throw HostError.failed("cannot read \(path)") }
            if let newline = chunk[0..<count].lastIndex(of: 0x0A) {
                end = start + off_t(newline) + 1
                break
            }
            end = start
        }
        guard ftruncate(fd, end) == 0 else { throw HostError.failed("cannot repair \(path): \(String(cString: strerror(errno)))") }
    }
}
