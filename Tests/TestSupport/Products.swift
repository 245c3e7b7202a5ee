import Foundation

/// Where the built products are: `swift test` builds every root product beside the runner.
public enum Products {
    public static let directory: String = {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (runner as NSString).deletingLastPathComponent
    }()
    public static var connhost: String { directory + "/connhost" }
    public static var fakeSaaS: String { directory + "/FakeSaaS" }
    public static func plugin(_ name: String) -> String { directory + "/lib\(name)Connector.so" }

    /// The repository root, from this file's path (`Tests/TestSupport/Products.swift`).
    public static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `swift` driver that built the tests, for tests that build a package themselves.
    public static let swift: String = ["/opt/swift/usr/bin/swift", "/usr/bin/swift", "/usr/local/bin/swift"]
        .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/swift"
}
