import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Copies a program through a close-on-exec descriptor, so that it can be run at once.
///
/// `FileManager.copyItem` writes through a descriptor every child spawned meanwhile by
/// another test inherits (`posix_spawn` passes on all but close-on-exec ones), and a
/// program some process holds open for writing cannot be run: "Text file busy".
public func copyExecutable(_ source: String, to destination: String) throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
    let fd = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
    guard fd >= 0 else { throw ChildProcessError(message: "cannot create \(destination): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    try bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw ChildProcessError(message: "cannot write \(destination): \(String(cString: strerror(errno)))") }
            offset += written
        }
    }
}
