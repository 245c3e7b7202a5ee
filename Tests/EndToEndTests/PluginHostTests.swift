import Foundation
import ConnectorHost
import ConnectorKit
import Testing

/// The host against out-of-tree plugins: drop-in, broken files, isolation, atomic output
/// and configuration resolution, all through the real `connhost` binary.
@Suite(.serialized)
struct PluginHostTests {
    let token = "hello-token-9f8e7d"

    @Test func droppedInPluginIsListedAndSyncs() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let listing = try await connhost(["list-plugins", "--plugins-dir", plugins.path, "--json"])
        #expect(listing.status == 0, "\(listing.stderr)")
        let document = try jsonObject(listing.stdout)
        let entries = try #require(document["plugins"] as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["hello"])
        #expect(entries.first?["file"] as? String == plugins.file("libHelloConnector.so"))
        #expect(entries.first?["resource_types"] as? [String] == ["thing", "group"])

        let output = try TemporaryDirectory()
        let sync = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                 "--format", "json", "--output", output.file("hello.json")])
        #expect(sync.status == 0, "\(sync.stderr)")
        let snapshot = try jsonFile(output.file("hello.json"))
        #expect(snapshot["format"] as? String == "connhost.snapshot/v1")
        #expect((snapshot["resources"] as? [Any])?.count == 28)   // 25 things + 3 groups
        #expect((snapshot["entitlements"] as? [Any])?.count == 3)
        #expect((snapshot["grants"] as? [[String: Any]])?.first?["id"] as? String == "group:0:member:thing:0")
        #expect(!sync.output.contains(token))
        #expect(!String(decoding: FileManager.default.contents(atPath: output.file("hello.json")) ?? Data(), as: UTF8.self).contains(token))
    }

    @Test func brokenPluginsAreReportedAndSkipped() async throws {
        // HelloTwin (a second 'hello') is not here: two files declaring one name are both
        // refused, see HostileInputTests.twoFilesDeclaringOneNameAreBothRefused.
        let plugins = try await FixturePlugins.directory(with: ["Hello", "BrokenFactory", "OldABI", "NoEntry", "PrivateKit"])
        _ = FileManager.default.createFile(atPath: plugins.file("libEmptyConnector.so"), contents: Data())
        _ = FileManager.default.createFile(atPath: plugins.file("libJunkConnector.so"),
                                       contents: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        _ = FileManager.default.createFile(atPath: plugins.file("libConnectorKit.so"), contents: Data("ignored".utf8))
        _ = FileManager.default.createFile(atPath: plugins.file("README.txt"), contents: Data("ignored".utf8))

        let result = try await connhost(["list-plugins", "--plugins-dir", plugins.path, "--json"])
        #expect(result.status == 0)
        let entries = try #require(try jsonObject(result.stdout)["plugins"] as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["hello"])
        #expect(entries.first?["version"] as? String == "1.2.3")

        let expected = [
            "connhost: plugin libBrokenFactoryConnector.so: factory failed: fixture factory refuses to start",
            "connhost: plugin libEmptyConnector.so: empty file, not a shared library",
            "connhost: plugin libJunkConnector.so: not an ELF shared library",
            "connhost: plugin libNoEntryConnector.so: not a connhost plugin (no connhost_plugin_abi_version symbol)",
            "connhost: plugin libOldABIConnector.so: ABI version 999, host expects \(connectorABIVersion): rebuild it against this ConnectorKit",
            "connhost: plugin libPrivateKitConnector.so: carries its own copy of ConnectorKit; link the shared libConnectorKit.so (a dynamic product dependency)",
        ]
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines == expected)

        // The failures are in the JSON too, and the good plugin still syncs.
        #expect((try jsonObject(result.stdout)["failures"] as? [Any])?.count == expected.count)
        let output = try TemporaryDirectory()
        let sync = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token, "--output", output.file("h.json")])
        #expect(sync.status == 0, "\(sync.stderr)")
    }

    @Test func unreadablePluginIsReported() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let locked = plugins.file("libLockedConnector.so")
        try FileManager.default.copyItem(atPath: try await FixturePlugins.path("Hello"), toPath: locked)
        chmod(locked, 0)
        var command = [Products.connhost, "list-plugins", "--plugins-dir", plugins.path]
        // root reads any file: drop to nobody so the file really is unreadable. nobody may not
        // reach the build folder (a clone in a 0700 directory), so it runs a copy of connhost
        // and its kit from a directory of its own.
        let copies = try TemporaryDirectory("connhost-copy")
        if getuid() == 0 {
            chmod(plugins.path, 0o755)
            chmod(copies.path, 0o755)
            for file in ["connhost", "libConnectorKit.so"] {
                // Not FileManager.copyItem: a child another test spawns meanwhile inherits its
                // write descriptor, and the copy then fails to run ("Text file busy").
                // AtomicFile writes through a close-on-exec descriptor.
                try AtomicFile.write(Data(contentsOf: URL(fileURLWithPath: Products.directory + "/" + file)), to: copies.file(file))
                chmod(copies.file(file), 0o755)
            }
            command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", copies.file("connhost")]
                + command.dropFirst()
        }
        let result = try await run(command[0], Array(command.dropFirst()))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "connhost: plugin libLockedConnector.so: cannot be read (permission denied)\n")
        #expect(result.stdout.contains("hello"))
    }

    @Test func isolatedCrashLeavesPreviousSnapshotUntouched() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let output = try TemporaryDirectory()
        let path = output.file("hello.json")
        let previous = Data("{\"previous\": true}\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: previous)

        let result = try await connhost(["sync", "hello", "--isolate", "--plugins-dir", plugins.path, "--token", token,
                                   "--trap-at-page", "2", "--output", path])
        #expect(result.status == 1)
        #expect(!result.signaled)
        #expect(result.stderr.contains("connhost: plugin hello crashed (signal 4): "), "\(result.stderr)")
        #expect(result.stderr.contains("Fatal error: fixture trap"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(FileManager.default.contents(atPath: path) == previous)
        #expect(output.strayTemporaryFiles.isEmpty)

        // The same plugin, isolated but healthy, gives the same snapshot as in-process.
        let isolated = try await connhost(["sync", "hello", "--isolate", "--plugins-dir", plugins.path, "--token", token,
                                     "--output", output.file("isolated.json")])
        let direct = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                   "--output", output.file("direct.json")])
        #expect(isolated.status == 0 && direct.status == 0, "\(isolated.stderr) \(direct.stderr)")
        #expect(try snapshotContent(jsonFile(output.file("isolated.json"))) == snapshotContent(jsonFile(output.file("direct.json"))))
    }

    @Test(arguments: ["json", "ndjson", "sqlite"])
    func failedSyncKeepsPreviousFileByteIdentical(format: String) async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let output = try TemporaryDirectory()
        let path = output.file("snapshot.\(format)")
        let first = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                  "--format", format, "--output", path])
        #expect(first.status == 0, "\(first.stderr)")
        let previous = try #require(FileManager.default.contents(atPath: path))

        for isolate in [false, true] {
            let failed = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token, "--count", "99",
                                       "--fail-at-page", "3", "--format", format, "--output", path] + (isolate ? ["--isolate"] : []))
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("hello: GET /things?page=3: HTTP 500: fixture failure; \(path) was not changed"),
                    "\(failed.stderr)")
            #expect(FileManager.default.contents(atPath: path) == previous)
            #expect(output.strayTemporaryFiles.isEmpty)
        }
    }

    @Test func configurationResolvesFlagThenEnvironmentThenFileThenDefault() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let work = try TemporaryDirectory()
        // pluginsDirectory is relative to the configuration file.
        try FileManager.default.createSymbolicLink(atPath: work.file("drop-ins"), withDestinationPath: plugins.path)
        let config = work.file("host-config.json")
        // The secret by reference: a file only its owner reads (a value here would be refused).
        FileManager.default.createFile(atPath: work.file("hello.token"), contents: Data("file-token-value\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        try Data(#"{"pluginsDirectory": "drop-ins", "connectors": {"hello": {"count": "7", "token": {"file": "hello.token"}}}}"#.utf8)
            .write(to: URL(fileURLWithPath: config))

        func things(_ extra: [String], environment: [String: String] = [:]) async throws -> Int? {
            let out = work.file("out-\(UUID().uuidString).json")
            let result = try await connhost(["sync", "hello", "--config", config, "--output", out] + extra, environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let resources = try jsonFile(out)["resources"] as? [[String: Any]]
            return resources?.filter { $0["type"] as? String == "thing" }.count
        }
        #expect(try await things([]) == 7)
        #expect(try await things([], environment: ["HELLO_COUNT": "5"]) == 5)
        #expect(try await things(["--count", "3"], environment: ["HELLO_COUNT": "5"]) == 3)
        #expect(try await things(["--count=2"]) == 2)

        // Without the file, the default applies and the required token is missing.
        let missing = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--output", work.file("x.json")])
        #expect(missing.status == 2)
        #expect(missing.stderr == "connhost: hello: missing --token (or set HELLO_TOKEN)\n")
        let withEnv = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--output", work.file("y.json")],
                                   environment: ["HELLO_TOKEN": token])
        #expect(withEnv.status == 0)
        #expect(try (jsonFile(work.file("y.json"))["resources"] as? [Any])?.count == 28)
    }

    @Test func usageErrorsExitTwoWithAHint() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let typo = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--tokn", "x"])
        #expect(typo.status == 2)
        #expect(typo.stderr == "connhost: unknown option --tokn; did you mean --token?\n")
        let noPlugin = try await connhost(["sync", "helo", "--plugins-dir", plugins.path])
        #expect(noPlugin.status == 2)
        #expect(noPlugin.stderr == "connhost: no plugin named 'helo'; did you mean 'hello'?\n")
        let badFormat = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token, "--format", "xml"])
        #expect(badFormat.status == 2)
        #expect(badFormat.stderr.contains("unknown format 'xml'; use one of sqlite, json, ndjson"))
        let noDir = try await connhost(["list-plugins", "--plugins-dir", "/nonexistent/dir"])
        #expect(noDir.status == 2)
        let command = try await connhost(["snyc"])
        #expect(command.status == 2)
        #expect(command.stderr.contains("did you mean 'sync'?"))
    }

    @Test func helpListsPluginFlagsWithoutSecretValues() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let help = try await connhost(["sync", "hello", "--help", "--plugins-dir", plugins.path], environment: ["HELLO_TOKEN": token])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--token VALUE"))
        #expect(help.stdout.contains("env HELLO_TOKEN, required, secret"))
        #expect(help.stdout.contains("default 25"))
        #expect(!help.output.contains(token))
        let top = try await connhost(["--help"])
        #expect(top.status == 0)
        for command in ["list-plugins", "sync", "validate", "demo"] { #expect(top.stdout.contains(command)) }
    }
}
