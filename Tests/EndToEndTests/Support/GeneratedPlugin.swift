import Foundation
import Testing

/// The package `connhost new-plugin Acme` writes, built once per test run the way its
/// README says (plus its own tests), as a plugin author would.
///
/// It lives in the git-ignored `.build-authoring-generated/` at a fixed path, so that a
/// later run reuses the ConnectorKit objects already compiled there (a fresh build of
/// the generated package compiles the kit too, 30–60 s); the package itself is
/// regenerated every run.
enum GeneratedPlugin {
    static let root = Products.repository + "/.build-authoring-generated"
    static var package: String { root + "/AcmeConnector" }
    static var scratch: String { root + "/scratch" }

    /// What generating, building and testing the package printed.
    struct Build {
        var newPlugin: ProcessResult
        var packageTests: ProcessResult
        /// The built `libAcmeConnector.so`.
        var library: String
    }

    static let built = Task<Result<Build, GeneratedPluginError>, Never> {
        let swift = Products.swift
        do {
            try? FileManager.default.removeItem(atPath: package)
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let generated = try await connhost(["new-plugin", "Acme", "--dir", package])
            guard generated.status == 0 else { return .failure(GeneratedPluginError(step: "new-plugin", output: generated.output)) }
            let build = try await run(swift, ["build", "--build-tests", "--package-path", package, "--scratch-path", scratch],
                                timeout: 900)
            guard build.status == 0 else { return .failure(GeneratedPluginError(step: "swift build", output: build.output)) }
            let tests = try await run(swift, ["test", "--skip-build", "--package-path", package, "--scratch-path", scratch],
                                timeout: 300)
            return .success(Build(newPlugin: generated, packageTests: tests,
                                  library: scratch + "/debug/libAcmeConnector.so"))
        } catch {
            return .failure(GeneratedPluginError(step: "running", output: "\(error)"))
        }
    }

    /// A plugins directory holding a copy of just the generated plugin.
    static func directory() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("plugins")
        try FileManager.default.copyItem(atPath: try await built.value.get().library, toPath: directory.file("libAcmeConnector.so"))
        return directory
    }
}

struct GeneratedPluginError: Error, CustomStringConvertible {
    var step: String
    var output: String
    var description: String { "\(step) of the generated AcmeConnector package failed:\n\(output.suffix(3000))" }
}
