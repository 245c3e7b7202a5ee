import ConnectorHost
import Foundation
import Testing

/// `new-plugin`'s names, template and scaffold, without building anything.
struct PluginAuthoringUnitTests {
    @Test(arguments: [
        ("Acme", "acme", "BATON_ACME", "AcmeConnector", "Acme"),
        ("AcmeHR", "acme-hr", "BATON_ACME_HR", "AcmeHRConnector", "Acme HR"),
        ("HRTool", "hr-tool", "BATON_HR_TOOL", "HRToolConnector", "HR Tool"),
        ("Auth0Directory", "auth0-directory", "BATON_AUTH0_DIRECTORY", "Auth0DirectoryConnector", "Auth0 Directory"),
        ("GitHub", "git-hub", "BATON_GIT_HUB", "GitHubConnector", "Git Hub"),
    ])
    func namesAreDerivedFromTheTypeName(typed: String, plugin: String, env: String, type: String, prose: String) throws {
        let name = try PluginName(typed)
        #expect(name.pluginName == plugin)
        #expect(name.environmentPrefix == env)
        #expect(name.connectorType == type)
        #expect(name.libraryFile == "lib\(type).so")
        #expect(name.displayName == prose)
    }

    @Test(arguments: ["", "acme", "Acme-HR", "Acme HR", "Acme_HR", "Ácme", "2Fast", "Self", "AcmeConnector", "Connector"])
    func invalidNamesAreUsageErrors(typed: String) {
        #expect(throws: HostError.self) { try PluginName(typed) }
    }

    @Test func namesClashIgnoringCaseAndSeparators() {
        #expect(PluginScaffold.clash("codefresh", "code-fresh"))
        #expect(PluginScaffold.clash("aha", "AHA"))
        #expect(!PluginScaffold.clash("aha", "aha2"))
    }

    @Test func templateNamesEveryFileAfterThePlugin() throws {
        let template = PluginTemplate(name: try PluginName("AcmeHR"), kitPath: "/src/connhost/Packages/ConnectorKit")
        let paths = template.files.map(\.path)
        #expect(paths.contains("Package.swift"))
        #expect(paths.contains("Sources/AcmeHRConnector/AcmeHRConnector.swift"))
        #expect(paths.contains("Sources/AcmeHRConnector/AcmeHRUserSyncer.swift"))
        #expect(paths.contains("Tests/AcmeHRConnectorTests/AcmeHRConnectorTests.swift"))
        #expect(Set(paths).count == paths.count)
        let files = Dictionary(uniqueKeysWithValues: template.files.map { ($0.path, $0.contents) })
        let connector = try #require(files["Sources/AcmeHRConnector/AcmeHRConnector.swift"])
        #expect(connector.contains(#"name: "acme-hr""#))
        #expect(connector.contains(#"env: "BATON_ACME_HR_API_KEY", secret: true, required: true"#))
        #expect(connector.contains(#"@_cdecl("connhost_plugin_abi_version")"#))
        #expect(connector.contains(#"@_cdecl("connhost_plugin_entry")"#))
        #expect(connector.contains("extension AcmeHRConnector: SelfTestingConnector"))
        #expect(try #require(files["README.md"]).contains("/src/connhost/docs/plugin-guide.md"))
        // No template placeholder is left unfilled.
        #expect(!template.files.contains { $0.contents.contains("\\#(") || $0.contents.contains("\\##(") })
    }

    @Test func kitPathsAreSwiftLiteralsAndNameThePackage() throws {
        let template = PluginTemplate(name: try PluginName("Acme"), kitPath: #"/odd "path"/kits/MyKit"#)
        let manifest = try #require(template.files.first { $0.path == "Package.swift" }?.contents)
        #expect(manifest.contains(#".package(path: "/odd \"path\"/kits/MyKit")"#))
        #expect(manifest.contains(#".product(name: "ConnectorKit", package: "MyKit")"#))
    }

    @Test func scaffoldFindsTheKitAboveABuildDirectoryAndNeverOverwrites() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scaffold-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let kit = root + "/Packages/ConnectorKit"
        let build = root + "/.build/x86_64-unknown-linux-gnu/debug"
        try FileManager.default.createDirectory(atPath: kit, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: build, withIntermediateDirectories: true)
        #expect(PluginScaffold.locateKit(above: build) == nil)
        try Data(#"let package = Package(name: "ConnectorKit")"#.utf8).write(to: URL(fileURLWithPath: kit + "/Package.swift"))
        #expect(PluginScaffold.locateKit(above: build) == kit)
        #expect(try PluginScaffold.kit(at: root + "/Packages/../Packages/ConnectorKit") == kit)
        #expect(throws: HostError.self) { try PluginScaffold.kit(at: root) }

        let template = PluginTemplate(name: try PluginName("Acme"), kitPath: kit)
        let written = try PluginScaffold.write(template, to: root + "/out/AcmeConnector")
        #expect(written == root + "/out/AcmeConnector")
        for file in template.files {
            #expect(FileManager.default.contents(atPath: written + "/" + file.path) == Data(file.contents.utf8))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/out") == ["AcmeConnector"])
        #expect(throws: HostError.usage("\(written) already exists; new-plugin never overwrites (choose another --dir)")) {
            try PluginScaffold.write(template, to: written)
        }
    }
}
