// swift-tools-version:6.0
// Out-of-tree plugins for the host's tests, built the way a third party would build
// them: a separate package depending on ConnectorKit by path. Some are broken on purpose.
import PackageDescription

let kit: Target.Dependency = .product(name: "ConnectorKit", package: "ConnectorKit")


let package = Package(
    name: "FixturePlugins",
    products: ["HelloConnector", "HelloTwinConnector", "BrokenFactoryConnector", "OldABIConnector",
               "NoEntryConnector", "PrivateKitConnector",
               "DanglingGrantConnector", "DuplicateIDConnector", "MissingEnvConnector", "EndlessPagesConnector",
               "LeakySecretConnector"]
        .map { .library(name: $0, type: .dynamic, targets: [$0]) },
    dependencies: [.package(path: "../../../Packages/ConnectorKit")],
    targets: [
        .target(name: "HelloConnector", dependencies: [kit]),
        .target(name: "HelloTwinConnector", dependencies: [kit]),
        .target(name: "BrokenFactoryConnector", dependencies: [kit]),
        .target(name: "OldABIConnector", dependencies: [kit]),
        .target(name: "NoEntryConnector"),
        // A private, statically linked copy of the kit: what the host must refuse.
        .target(name: "PrivateKit"),
        .target(name: "PrivateKitConnector", dependencies: ["PrivateKit"]),
        // Each breaks exactly one `connhost check-plugin` rule, with self-test data.
        .target(name: "DanglingGrantConnector", dependencies: [kit]),
        .target(name: "DuplicateIDConnector", dependencies: [kit]),
        .target(name: "MissingEnvConnector", dependencies: [kit]),
        .target(name: "EndlessPagesConnector", dependencies: [kit]),
        .target(name: "LeakySecretConnector", dependencies: [kit]),
    ],
    swiftLanguageModes: [.v5]
)
