import ConnectorHost
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Hostile plugin files, outputs, secrets, numbers and configuration, through the real
/// `connhost`: each case ends in exit 0 (a skipped plugin file), 1 or 2 with one line that
/// says what to do, nothing replaced, leaked or left behind, and no process killed by a signal.
@Suite(.serialized)
struct HostileInputTests {
    let token = "hello-token-hostile-71c3"
    /// The login name connhost runs as (the tests run as root).
    let me = String(cString: getpwuid(geteuid()).pointee.pw_name)

    /// Exactly `line` on stderr (one line), the status, and no signal.
    func expect(_ result: ProcessResult, status: Int32, line: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.signaled, "killed by a signal: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr == line + "\n", sourceLocation: sourceLocation)
    }

    /// `lstat`'s file type bits of `path`, or `nil` when it does not exist.
    func fileType(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    /// `list-plugins` over a directory holding Hello and one hostile `lib<name>Connector.so`:
    /// Hello still loads, the hostile file gets exactly `reason`.
    func expectSkipped(_ name: String, reason: (String) -> String,
                       make: (String) async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let path = plugins.file("lib\(name)Connector.so")
        try await make(path)
        let result = try await connhost(["list-plugins", "--plugins-dir", plugins.path, "--json"], timeout: 60)
        expect(result, status: 0, line: "connhost: plugin lib\(name)Connector.so: \(reason(path))", sourceLocation: sourceLocation)
        let entries = try #require(try jsonObject(result.stdout)["plugins"] as? [[String: Any]], sourceLocation: sourceLocation)
        #expect(entries.map { $0["name"] as? String } == ["hello"], sourceLocation: sourceLocation)
    }

    // MARK: Plugin files

    @Test func truncatedPluginIsRefusedBeforeDlopen() async throws {
        let original = try #require(FileManager.default.contents(atPath: try await FixturePlugins.path("Hello")))
        try await expectSkipped("Trunc", reason: { _ in
            "is truncated or damaged (20480 bytes): its section headers lie outside the file; copy or build it again"
        }, make: { path in
            _ = FileManager.default.createFile(atPath: path, contents: original.prefix(20_480))
        })
        // Cut inside the program headers' segments instead: the same one line, never SIGBUS.
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        var header = original.prefix(4096)
        for offset in 40..<48 { header[offset] = 0 }   // e_shoff = 0: no section headers to check
        _ = FileManager.default.createFile(atPath: plugins.file("libCutConnector.so"), contents: header)
        let listing = try await connhost(["list-plugins", "--plugins-dir", plugins.path])
        #expect(!listing.signaled && listing.status == 0)
        #expect(listing.stderr.hasPrefix("connhost: plugin libCutConnector.so: is truncated or damaged (4096 bytes): segment "))
        #expect(listing.stderr.hasSuffix("; copy or build it again\n"))
        #expect(listing.stderr.split(separator: "\n").count == 1)
        // Every command still works, in-process and isolated (loading happens in the host first).
        for isolate in [false, true] {
            let sync = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                           "--output", plugins.file("out-\(isolate).json")] + (isolate ? ["--isolate"] : []))
            #expect(!sync.signaled && sync.status == 0, "\(sync.stderr)")
        }
    }

    @Test func fifoNamedLikeAPluginDoesNotHang() async throws {
        try await expectSkipped("Fifo", reason: { _ in "is a FIFO, not a plugin file" }, make: { path in
            #expect(mkfifo(path, 0o644) == 0)
        })
    }

    @Test func directoryNamedLikeAPluginIsNotCalledAnEmptyFile() async throws {
        try await expectSkipped("Folder", reason: { _ in "is a directory, not a plugin file" }, make: { path in
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        })
    }

    @Test func symbolicLinkToAPluginIsNotFollowed() async throws {
        try await expectSkipped("Link", reason: { _ in "is a symbolic link; copy the plugin file itself into the directory" },
                                make: { path in
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: try await FixturePlugins.path("Hello"))
        })
    }

    @Test func pluginFileWritableByOthersIsRefused() async throws {
        // A copy of Hello: had it been loaded, 'hello' would be declared twice.
        try await expectSkipped("Loose", reason: { path in
            "is writable by everyone (mode 666), so anyone there could run code as \(me): chmod go-w \(path)"
        }, make: { path in
            try FileManager.default.copyItem(atPath: try await FixturePlugins.path("Hello"), toPath: path)
            #expect(chmod(path, 0o666) == 0)
        })
        try await expectSkipped("GroupWritable", reason: { path in
            "is writable by its group (mode 775), so anyone there could run code as \(me): chmod go-w \(path)"
        }, make: { path in
            try FileManager.default.copyItem(atPath: try await FixturePlugins.path("Hello"), toPath: path)
            #expect(chmod(path, 0o775) == 0)
        })
    }

    @Test(.enabled(if: geteuid() == 0, "giving a file to another user needs root"))
    func pluginFileOwnedByAnotherUserIsRefused() async throws {
        try await expectSkipped("Foreign", reason: { path in
            "is owned by nobody (uid 65534), not by root, who runs connhost, so that user could run code as root: chown root \(path)"
        }, make: { path in
            try FileManager.default.copyItem(atPath: try await FixturePlugins.path("Hello"), toPath: path)
            #expect(chown(path, 65534, 65534) == 0)
        })
    }

    @Test func pluginsDirectoryWritableByOthersLoadsNothing() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        for (mode, who) in [(0o777 as mode_t, "everyone"), (0o775, "its group")] {
            #expect(chmod(plugins.path, mode) == 0)
            let result = try await connhost(["list-plugins", "--plugins-dir", plugins.path])
            expect(result, status: 2, line: "connhost: plugins directory \(plugins.path) is writable by \(who) "
                   + "(mode \(String(mode, radix: 8))), so anyone there could run code as \(me): chmod go-w \(plugins.path)")
            #expect(result.stdout.isEmpty)
            let sync = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                           "--output", plugins.file("never.json")])
            #expect(sync.status == 2 && !sync.signaled)
            #expect(fileType(plugins.file("never.json")) == nil)
        }
        #expect(chmod(plugins.path, 0o700) == 0)
        #expect(try await connhost(["list-plugins", "--plugins-dir", plugins.path]).status == 0)
    }

    @Test(.enabled(if: geteuid() == 0, "giving a directory to another user needs root"))
    func pluginsDirectoryOwnedByAnotherUserLoadsNothing() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        #expect(chown(plugins.path, 65534, 65534) == 0)
        let result = try await connhost(["list-plugins", "--plugins-dir", plugins.path])
        expect(result, status: 2, line: "connhost: plugins directory \(plugins.path) is owned by nobody (uid 65534), "
               + "not by root, who runs connhost, so that user could run code as root: chown root \(plugins.path)")
    }

    @Test func twoFilesDeclaringOneNameAreBothRefused() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello", "HelloTwin"])
        let result = try await connhost(["list-plugins", "--plugins-dir", plugins.path, "--json"])
        #expect(result.status == 0 && !result.signaled)
        #expect(result.stderr.split(separator: "\n") == [
            "connhost: plugin libHelloConnector.so: declares the name 'hello', as does libHelloTwinConnector.so in the same directory; neither is loaded: remove one of them",
            "connhost: plugin libHelloTwinConnector.so: declares the name 'hello', as does libHelloConnector.so in the same directory; neither is loaded: remove one of them",
        ])
        #expect((try jsonObject(result.stdout)["plugins"] as? [Any])?.isEmpty == true)
        let sync = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                       "--output", plugins.file("never.json")])
        #expect(sync.status == 2)
        #expect(sync.stderr.hasSuffix("connhost: no plugin named 'hello'; no plugins found in \(plugins.path)\n"))
        #expect(fileType(plugins.file("never.json")) == nil)
    }

    @Test func pluginsDirectoryThatIsAFileIsNotCalledMissing() async throws {
        expect(try await connhost(["list-plugins", "--plugins-dir", "/etc/passwd"]), status: 2,
               line: "connhost: plugins directory /etc/passwd is not a directory")
        expect(try await connhost(["list-plugins", "--plugins-dir", "/nonexistent/connhost-plugins"]), status: 2,
               line: "connhost: plugins directory /nonexistent/connhost-plugins does not exist")
    }

    // MARK: Outputs

    @Test(arguments: ["/dev/null", "/dev/full"])
    func deviceOutputIsNeverReplaced(device: String) async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        for format in ["json", "sqlite", "c1z", "ndjson"] {
            let result = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                             "--format", format, "--output", device])
            expect(result, status: 2, line: "connhost: output \(device) is a character device, not a file; snapshots replace "
                   + "their file atomically, so give a file path (or - with --format ndjson for stdout); \(device) was not changed")
            #expect(fileType(device) == S_IFCHR)
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []).allSatisfy { !$0.contains(".tmp-") })
    }

    @Test func fifoOutputIsNeverReplacedNorOpened() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let work = try TemporaryDirectory()
        let fifo = work.file("pipe.json")
        #expect(mkfifo(fifo, 0o644) == 0)
        let result = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token, "--output", fifo],
                                         timeout: 60)
        expect(result, status: 2, line: "connhost: output \(fifo) is a FIFO, not a file; snapshots replace their file "
               + "atomically, so give a file path (or - with --format ndjson for stdout); \(fifo) was not changed")
        #expect(fileType(fifo) == S_IFIFO)
        #expect(work.strayTemporaryFiles.isEmpty)
    }

    @Test(arguments: ["json", "sqlite", "c1z"])
    func symlinkedOutputUpdatesItsTargetAtomically(format: String) async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let links = try TemporaryDirectory(), targets = try TemporaryDirectory()
        let target = targets.file("real.\(format)"), link = links.file("snapshot.\(format)")
        _ = FileManager.default.createFile(atPath: target, contents: Data("previous".utf8))
        // A relative link into another directory: the temp file must sit beside the target.
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../\((targets.path as NSString).lastPathComponent)/real.\(format)")
        let result = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                         "--format", format, "--output", link])
        #expect(result.status == 0 && !result.signaled, "\(result.stderr)")
        #expect(fileType(link) == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link).hasSuffix("/real.\(format)"))
        let written = try #require(FileManager.default.contents(atPath: target))
        #expect(written != Data("previous".utf8) && written.count > 100)
        #expect(links.strayTemporaryFiles.isEmpty && targets.strayTemporaryFiles.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: links.path) == ["snapshot.\(format)"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: targets.path) == ["real.\(format)"])
    }

    @Test func staleTemporaryFilesOfDeadWritersAreRemovedOthersKept() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let work = try TemporaryDirectory()
        // A pid that is surely gone: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier, live = getpid()
        let stale = [".out.json.tmp-\(dead)-1", ".out.json.tmp-\(dead)-2.sqlite"]
        let kept = [".out.json.tmp-\(live)-3",          // a writer that is still running
                    ".other.json.tmp-\(dead)-4",        // another output's: not this run's business
                    ".out.json.checkpoint", "out.json.resume"]
        for name in stale + kept { _ = FileManager.default.createFile(atPath: work.file(name), contents: Data("x".utf8)) }

        let result = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                         "--output", work.file("out.json")])
        #expect(result.status == 0, "\(result.stderr)")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: work.path))
        #expect(left == Set(kept + ["out.json"]))
    }

    // MARK: Secrets

    @Test(arguments: [
        ("http://bob:hunter2-pw@127.0.0.1:1",
         "--base-url 'http://[REDACTED]@127.0.0.1:1' contains credentials; pass them as flags; use http://127.0.0.1:1"),
        ("https://acme.aha.io?api_key=hunter2-pw&x=1",
         "--base-url 'https://acme.aha.io?api_key=[REDACTED]&x=[REDACTED]' has a query (?api_key=[REDACTED]&x=[REDACTED]); use https://acme.aha.io"),
        ("https://hunter2-pw@acme.aha.io/api/v1",
         "--base-url 'https://[REDACTED]@acme.aha.io/api/v1' contains credentials; pass them as flags; use https://acme.aha.io"),
        ("bob:hunter2-pw@acme.aha.io",
         "--base-url '[REDACTED]@acme.aha.io' has no scheme; use https://acme.aha.io"),
    ])
    func credentialsInAURLAreNeverEchoed(url: String, message: String) async throws {
        let work = try TemporaryDirectory()
        for command in [["sync", "aha", "--output", work.file("aha.db")], ["validate", "aha"]] {
            let result = try await connhost(command + ["--base-url", url, "--api-key", "key-hostile-1"])
            expect(result, status: 2, line: "connhost: aha: \(message)")
            #expect(!result.output.contains("hunter2-pw") && !result.output.contains("bob"))
        }
        #expect(work.strayTemporaryFiles.isEmpty && fileType(work.file("aha.db")) == nil)
    }

    @Test func plainHTTPOnlyForLoopbackAddressesNotNames() async throws {
        let work = try TemporaryDirectory()
        for host in ["127.evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "0x7f.0.0.1"] {
            let result = try await connhost(["sync", "aha", "--base-url", "http://\(host)", "--api-key", "key-hostile-2",
                                             "--output", work.file("aha.db")])
            expect(result, status: 2, line: "connhost: aha: --base-url 'http://\(host)' uses plain http://; only https:// is allowed; use https://\(host)")
        }
        // A real loopback address is accepted (and synced over plain http).
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
        let tenant = try await FakeTenant("aha", ["--users", "3", "--teams", "1", "--seed", "3"])
        let outcome = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", tenant.apiKey])
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
    }

    @Test func unscopedSecretInARunOfSeveralPluginsIsAUsageError() async throws {
        let work = try TemporaryDirectory()
        let result = try await connhost(["sync", "aha", "codefresh", "--api-key", "key-for-whom-9", "--output", work.path])
        expect(result, status: 2, line: "connhost: --api-key is a secret and this run has several connectors; "
               + "give it to each one that needs it: --aha.api-key, --codefresh.api-key")
        #expect(!result.output.contains("key-for-whom-9"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
    }

    @Test(arguments: [false, true])
    func nothingIsCachedOnDisk(isolate: Bool) async throws {
        let tenant = try await FakeTenant("aha", ["--users", "30", "--teams", "4", "--seed", "5"])
        let home = try TemporaryDirectory("home")
        let environment = ["HOME": home.path, "XDG_CACHE_HOME": home.file("xdg-cache"),
                           "XDG_DATA_HOME": home.file("xdg-data"), "XDG_CONFIG_HOME": home.file("xdg-config")]
        let outcome = try await syncJSON("aha", ["--base-url", tenant.url, "--api-key", tenant.apiKey] + (isolate ? ["--isolate"] : []),
                                   environment: environment)
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: home.path).isEmpty)
    }

    // MARK: Numbers and configuration

    @Test(arguments: [
        ("--timeout", "inf", "--timeout needs a number from 0.01 to 3600 seconds, not 'inf'"),
        ("--timeout", "1e18", "--timeout needs a number from 0.01 to 3600 seconds, not '1e18'"),
        ("--timeout", "-1", "--timeout needs a number from 0.01 to 3600 seconds, not '-1'"),
        ("--timeout", "nan", "--timeout needs a number from 0.01 to 3600 seconds, not 'nan'"),
        ("--concurrency", "0", "--concurrency needs a whole number from 1 to 64, not '0'"),
        ("--concurrency", "1e3", "--concurrency needs a whole number from 1 to 64, not '1e3'"),
        ("--max-attempts", "99999999999999999999", "--max-attempts needs a whole number from 1 to 100, not '99999999999999999999'"),
    ])
    func numericOptionsAreFiniteAndBounded(option: String, value: String, message: String) async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let result = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                         "--output", plugins.file("never.json"), option, value])
        expect(result, status: 2, line: "connhost: \(message)")
        #expect(fileType(plugins.file("never.json")) == nil)
    }

    @Test func numericEnvironmentVariablesAreBoundedToo() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let result = try await connhost(["sync", "hello", "--plugins-dir", plugins.path, "--token", token,
                                         "--output", plugins.file("never.json")], environment: ["CONNHOST_TIMEOUT": "inf"])
        expect(result, status: 2, line: "connhost: CONNHOST_TIMEOUT needs a number from 0.01 to 3600 seconds, not 'inf'")
    }

    @Test func portOutOfRangeIsAUsageError() async throws {
        let work = try TemporaryDirectory()
        let result = try await connhost(["sync", "aha", "--base-url", "http://127.0.0.1:99999", "--api-key", "key-hostile-3",
                                         "--output", work.file("aha.db")])
        expect(result, status: 2, line: "connhost: aha: --base-url 'http://127.0.0.1:99999' has port 99999; "
               + "a port is a number from 1 to 65535; use http://127.0.0.1")
    }

    @Test(arguments: [
        (#"{"pluginsDirectory": 7}"#, "pluginsDirectory must be a string, not a number"),
        (#"{"output": {"formt": "json"}}"#, "unknown key 'output.formt'; did you mean 'output.format'?"),
        (#"{"outptu": {}}"#, "unknown key 'outptu'; did you mean 'output'?"),
        (#"{"connectors": {"hello": {"count": 7}}}"#, "connectors.hello.count must be a string, not a number"),
        (#"{"connectors": {"hello": "x"}}"#, "connectors.hello must be an object, not a string"),
        (#"[1]"#, "the top level must be an object, not an array"),
    ])
    func hostConfigurationErrorsNameFileKeyAndExpectation(json: String, problem: String) async throws {
        let work = try TemporaryDirectory()
        let config = work.file("host-config.json")
        try Data(json.utf8).write(to: URL(fileURLWithPath: config))
        expect(try await connhost(["list-plugins", "--config", config]), status: 2,
               line: "connhost: host configuration \(config): \(problem)")
    }

    @Test func hostConfigurationThatIsNotJSONSaysWhere() async throws {
        let work = try TemporaryDirectory()
        let config = work.file("host-config.json")
        try Data(#"{"output": "#.utf8).write(to: URL(fileURLWithPath: config))
        let result = try await connhost(["list-plugins", "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("connhost: host configuration \(config): not valid JSON ("))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func unknownConnectorKeyInHostConfigurationGetsASuggestion() async throws {
        let plugins = try await FixturePlugins.directory(with: ["Hello"])
        let config = plugins.file("host-config.json")
        try Data(#"{"pluginsDirectory": ".", "connectors": {"hello": {"tokn": "file-token-value"}}}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        let result = try await connhost(["sync", "hello", "--config", config, "--output", plugins.file("never.json")])
        expect(result, status: 2, line: "connhost: host configuration \(config): unknown key 'connectors.hello.tokn'; did you mean 'token'?")
        #expect(!result.output.contains("file-token-value"))
    }

    @Test func shippedHostConfigurationIsValid() throws {
        let config = try HostConfiguration.load(path: Products.repository + "/host-config.json")
        #expect(config.pluginsDirectory == Products.repository + "/plugins.d")
        #expect(config.outputFormat == "sqlite")
    }
}
