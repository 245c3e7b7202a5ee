import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where `connhost serve` listens: `HOST:PORT` with an IPv4 address, or `:PORT` for
/// 127.0.0.1 (`--listen`, `serve.listen` in `host-config.json`). Port 0 picks a free port.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// The IPv4 address, e.g. `127.0.0.1`.
    public var host: String
    /// The port; 0 lets the system pick one.
    public var port: UInt16

    /// The default, `127.0.0.1:9464`: loopback only, so nothing off the machine sees the
    /// status page unless the configuration says so.
    public static let standard = ListenAddress(host: "127.0.0.1", port: 9464)

    /// An address from its parts.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `:PORT`; throws ``HostError/usage(_:)`` with one line otherwise.
    public init(_ text: String) throws {
        let expected = "expected HOST:PORT with an IPv4 address and a port 0-65535 (e.g. 127.0.0.1:9464), got \"\(text)\""
        guard let colon = text.lastIndex(of: ":") else { throw HostError.usage(expected) }
        let host = colon == text.startIndex ? "127.0.0.1" : String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1, !portText.isEmpty, portText.count <= 5,
              portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(portText) else {
            throw HostError.usage(expected)
        }
        self.init(host: host, port: port)
    }

    /// `HOST:PORT`.
    public var description: String { "\(host):\(port)" }
}
