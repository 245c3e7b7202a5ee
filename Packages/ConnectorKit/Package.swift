// swift-tools-version:6.0
// ConnectorKit is its own package so that it can be ONE dynamic library that the host
// and every plugin link (a package cannot depend on its own products). See DESIGN.md.
import PackageDescription

let package = Package(
    name: "ConnectorKit",
    products: [
        .library(name: "ConnectorKit", type: .dynamic, targets: ["ConnectorKit"]),
    ],
    targets: [
        .target(name: "ConnectorKit", swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    ],
    swiftLanguageModes: [.v5]
)
