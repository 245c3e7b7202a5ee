import ConnectorHost
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ports this test process has handed out, so that two tests never get the same one.
private let handedOut = Mutex(Set<Int>())

/// A port that is free on 127.0.0.1 now, for a server a test starts itself (a redirect URI,
/// PostgreSQL).
///
/// Taken below the kernel's ephemeral range (32768 and up, where every `bind` to port 0 of
/// the parallel tests' servers lands), at random, and never twice in one run: a port asked
/// for and then released cannot be taken meanwhile by another test's server.
public func freeLoopbackPort() throws -> Int {
    for _ in 0..<500 {
        let port = Int.random(in: 20_000..<32_000)
        guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
        if canBind(port) { return port }
    }
    throw HostError.failed("cannot find a free port between 20000 and 32000 on 127.0.0.1")
}

private func canBind(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
