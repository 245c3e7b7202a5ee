// swift-tools-version:6.0
import PackageDescription

let kit: Target.Dependency = .product(name: "ConnectorKit", package: "ConnectorKit")
let settings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "connhost",
    products: [
        .executable(name: "connhost", targets: ["connhost"]),
        .executable(name: "FakeSaaS", targets: ["FakeSaaS"]),
        .library(name: "AhaConnector", type: .dynamic, targets: ["AhaConnector"]),
        .library(name: "CodefreshConnector", type: .dynamic, targets: ["CodefreshConnector"]),
    ],
    dependencies: [
        .package(path: "Packages/ConnectorKit"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .target(name: "ConnectorHost", dependencies: [kit, "CSQLite", "CZstd", "CLibPQ"], swiftSettings: settings),
        .executableTarget(name: "connhost", dependencies: ["ConnectorHost", kit], swiftSettings: settings),
        .executableTarget(name: "FakeSaaS", swiftSettings: settings),
        .target(name: "AhaConnector", dependencies: [kit], path: "Plugins/AhaConnector", swiftSettings: settings),
        .target(name: "CodefreshConnector", dependencies: [kit], path: "Plugins/CodefreshConnector", swiftSettings: settings),
        // Child processes, temp directories and built products, shared by the test targets.
        .target(name: "TestSupport", dependencies: ["ConnectorHost"], path: "Tests/TestSupport", swiftSettings: settings),
        .testTarget(name: "ConnectorKitTests", dependencies: [kit], swiftSettings: settings),
        .testTarget(name: "ConnectorHostTests", dependencies: ["ConnectorHost", kit, "TestSupport"], swiftSettings: settings),
        .testTarget(name: "EndToEndTests", dependencies: ["ConnectorHost", kit, "TestSupport"], swiftSettings: settings),
    ],
    swiftLanguageModes: [.v5]
)
