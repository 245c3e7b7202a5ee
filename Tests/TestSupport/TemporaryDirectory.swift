import Foundation

/// A fresh directory of one test's own, removed when the value goes away.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "connhost-test") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Files whose name marks them as unfinished snapshots.
    public var strayTemporaryFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.contains(".tmp-") }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
