import Foundation
import Testing

/// The out-of-tree fixture plugins in `Tests/Fixtures/FixturePlugins`, built once per
/// test run the way a third party builds a plugin: a separate package, ConnectorKit by path.
enum FixturePlugins {
    /// The directory holding the built fixture `.so` files, or the build's error output.
    static let built = Task<Result<String, FixtureBuildError>, Never> {
        let package = Products.repository + "/Tests/Fixtures/FixturePlugins"
        let scratch = Products.repository + "/.build-fixtures"
        do {
            let result = try await run(Products.swift, ["build", "--package-path", package, "--scratch-path", scratch],
                                       timeout: 900)
            guard result.status == 0 else {
                return .failure(FixtureBuildError(output: result.output))
            }
        } catch {
            return .failure(FixtureBuildError(output: "\(error)"))
        }
        return .success(scratch + "/debug")
    }

    /// The built `lib<name>Connector.so`, or a test failure explaining the build error.
    static func path(_ name: String) async throws -> String {
        let directory = try await built.value.get()
        return directory + "/lib\(name)Connector.so"
    }

    /// A plugins directory holding copies of just the named fixtures.
    static func directory(with names: [String]) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("plugins")
        for name in names {
            try FileManager.default.copyItem(atPath: try await path(name), toPath: directory.file("lib\(name)Connector.so"))
        }
        return directory
    }
}

struct FixtureBuildError: Error, CustomStringConvertible {
    var output: String
    var description: String { "building Tests/Fixtures/FixturePlugins failed:\n\(output.suffix(3000))" }
}
