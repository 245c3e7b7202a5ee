import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file written beside its destination and renamed over it only when complete.
///
/// Readers see the old file or the new one, never half of either; `discard` removes the
/// temp file and leaves the destination untouched.
public final class AtomicFile {
    /// Where the file ends up.
    public let destination: String
    /// The temp file being written, in the same directory (rename must not cross devices).
    public let temporaryPath: String
    private var descriptor: Int32
    private var buffer = [UInt8]()

    /// Creates the temp file next to `destination`.
    public init(destination: String) throws {
        self.destination = destination
        temporaryPath = AtomicFile.temporaryPath(beside: destination)
        try AtomicFile.requireDirectory(of: temporaryPath)
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw HostError.failed("cannot create \(temporaryPath): \(String(cString: strerror(errno)))")
        }
        TemporaryFiles.register(temporaryPath)
        buffer.reserveCapacity(1 << 16)
    }

    /// Appends UTF-8 text.
    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends bytes.
    public func write(_ data: Data) throws {
        buffer.append(contentsOf: data)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Hands buffered bytes to the kernel (for streaming formats).
    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw HostError.failed("cannot write \(temporaryPath): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs to disk and renames over the destination.
    public func commit() throws {
        try flush()
        guard fsync(descriptor) == 0 else {
            throw HostError.failed("cannot sync \(temporaryPath): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        descriptor = -1
        defer { TemporaryFiles.unregister(temporaryPath) }
        try AtomicFile.rename(temporaryPath, over: destination)
    }

    /// Writes `data` to `destination` atomically in one go: the whole file, or the old one untouched.
    public static func write(_ data: Data, to destination: String) throws {
        let file = try AtomicFile(destination: destination)
        do {
            try file.write(data)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// A fresh temp file name in `destination`'s directory (rename must not cross devices):
    /// `.<name>.tmp-<pid>-<random><suffix>`, the pattern tests look for.
    public static func temporaryPath(beside destination: String, suffix: String = "") -> String {
        let directory = (destination as NSString).deletingLastPathComponent
        let name = (destination as NSString).lastPathComponent
        return ((directory.isEmpty ? "." : directory) as NSString)
            .appendingPathComponent(".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))\(suffix)")
    }

    /// The file a snapshot for `path` really goes to; dead writers' temp files there are removed.
    ///
    /// A symbolic link is followed, so the temp file is made beside the file it points to and
    /// renamed over that file (the link itself stays). A device, FIFO, socket or directory is
    /// never replaced: that is a usage error (write to a file, or `-` with ndjson for stdout).
    public static func prepareDestination(_ path: String) throws -> String {
        var target = path
        var info = stat()
        var hops = 0
        while lstat(target, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            hops += 1
            guard hops <= 40, let link = try? FileManager.default.destinationOfSymbolicLink(atPath: target) else {
                throw HostError.usage("output \(path) is a symbolic link that does not end at a file (a loop?)")
            }
            target = link.hasPrefix("/") ? link
                : ((target as NSString).deletingLastPathComponent as NSString).appendingPathComponent(link)
        }
        if lstat(target, &info) == 0, let kind = PluginFileCheck.nonRegularKind(info.st_mode) {
            let what = target == path ? "" : " (via the link \(path))"
            throw HostError.usage("output \(target)\(what) is \(kind), not a file; snapshots replace their file "
                + "atomically, so give a file path (or - with --format ndjson for stdout)")
        }
        try requireDirectory(of: temporaryPath(beside: target))
        removeStaleTemporaryFiles(beside: target)
        return target
    }

    /// Removes temp files of `destination` left by writers that are gone (killed, crashed).
    ///
    /// The name carries the writer's pid (see ``temporaryPath(beside:suffix:)``): a file whose
    /// process no longer exists (`kill(pid, 0)` fails with `ESRCH`) is removed; one of a live
    /// process is left alone. Nothing else matches the pattern (resumable checkpoints, should
    /// they come, must be named otherwise).
    public static func removeStaleTemporaryFiles(beside destination: String) {
        let directory = (destination as NSString).deletingLastPathComponent
        let folder = directory.isEmpty ? "." : directory
        let prefix = ".\((destination as NSString).lastPathComponent).tmp-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where entry.hasPrefix(prefix) {
            guard let field = entry.dropFirst(prefix.count).split(separator: "-").first,
                  let pid = pid_t(field), pid > 0, pid != getpid() else { continue }
            let path = (folder as NSString).appendingPathComponent(entry)
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(path) }
        }
    }

    /// Throws the usage error when the directory that will hold `path` does not exist.
    public static func requireDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HostError.usage("output directory \(directory) does not exist")
        }
    }

    /// Renames `source` over `destination` and syncs the directory, or removes `source` and throws.
    public static func rename(_ source: String, over destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(source)
            throw HostError.failed("cannot move the snapshot into \(destination): \(reason)")
        }
        let directory = (destination as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    /// Removes the temp file; the destination is untouched.
    public func discard() {
        if descriptor >= 0 { close(descriptor); descriptor = -1 }
        unlink(temporaryPath)
        TemporaryFiles.unregister(temporaryPath)
    }

    deinit {
        if descriptor >= 0 { discard() }
    }
}
