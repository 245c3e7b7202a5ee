import ConnectorHost
import Foundation
import Testing

/// Named connector instances in host-config.json: several accounts of one plugin, each
/// with its own secret by reference, synced together, and the one-line refusals.
struct InstancesTests {
    /// Two Aha! tenants and a Codefresh one, with a host-config.json naming them.
    struct Setup {
        let acme: FakeTenant, beta: FakeTenant, codefresh: FakeTenant
        let work: TemporaryDirectory
        var config: String { work.file("host-config.json") }
        var environment: [String: String] { ["ACME_AHA_KEY": acme.apiKey, "CF_KEY": codefresh.apiKey] }

        init(configuration: String? = nil, keyFileMode: Int = 0o600) async throws {
            acme = try await FakeTenant("aha", ["--users", "230", "--teams", "9", "--seed", "31"])
            beta = try await FakeTenant("aha", ["--users", "40", "--teams", "3", "--seed", "32"])
            codefresh = try await FakeTenant("codefresh", ["--users", "25", "--seed", "33"])
            work = try TemporaryDirectory("instances")
            try FileManager.default.createDirectory(atPath: work.file("secrets"), withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: work.file("secrets/beta-aha.key"), contents: Data((beta.apiKey + "\n").utf8),
                                           attributes: [.posixPermissions: keyFileMode])
            let json = configuration ?? """
                {"pluginsDirectory": "\(Products.directory)",
                 "connectors": {
                   "acme": {"plugin": "aha", "base-url": "\(acme.url)", "api-key": {"env": "ACME_AHA_KEY"}},
                   "beta": {"plugin": "aha", "base-url": "\(beta.url)", "api-key": {"file": "secrets/beta-aha.key"}},
                   "codefresh": {"base-url": "\(codefresh.url)", "api-key": {"env": "CF_KEY"}}}}
                """
            FileManager.default.createFile(atPath: config, contents: Data(json.utf8))
        }
    }

    @Test func syncAllWritesOneSnapshotPerInstanceEachWithItsOwnKey() async throws {
        let setup = try await Setup()
        let output = setup.work.file("snapshots")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        // A plugin-wide variable must not reach any instance of a run of several.
        let result = try await connhost(["sync", "--all", "--config", setup.config, "--format", "json", "--output", output],
                                        environment: setup.environment.merging(["BATON_API_KEY": "wrong-for-everyone"]) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        #expect(files.map { String($0.prefix { $0 != "-" }) } == ["acme", "beta", "codefresh"], "\(files)")
        for (tenant, prefix) in [(setup.acme, "acme-"), (setup.beta, "beta-"), (setup.codefresh, "codefresh-")] {
            let file = try #require(files.first { $0.hasPrefix(prefix) })
            expectEqual(try GroundTruth.load(path: output + "/" + file), try tenant.truth())
            // Every request carried this tenant's own key: none was refused.
            let stats = try await tenant.stats()
            #expect(stats["unauthorized"] as? Int == 0, "\(prefix) \(stats)")
            #expect((stats["requests"] as? Int ?? 0) > 0)
        }
        #expect(result.stdout.contains("acme: ") && result.stdout.contains("beta: "), "\(result.stdout)")
        for key in [setup.acme.apiKey, setup.beta.apiKey, setup.codefresh.apiKey] {
            #expect(!result.output.contains(key))
        }
    }

    @Test func oneInstanceByNameAndItsValidation() async throws {
        let setup = try await Setup()
        let path = setup.work.file("beta.json")
        let sync = try await connhost(["sync", "beta", "--config", setup.config, "--output", path], environment: setup.environment)
        #expect(sync.status == 0, "\(sync.stderr)")
        expectEqual(try GroundTruth.load(path: path), try setup.beta.truth())
        let validate = try await connhost(["validate", "acme", "--config", setup.config], environment: setup.environment)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.hasPrefix("acme: OK"), "\(validate.stdout)")
    }

    @Test func connectorsListsSourcesNeverSecrets() async throws {
        let setup = try await Setup()
        let listing = try await connhost(["connectors", "--config", setup.config, "--json"], environment: ["ACME_AHA_KEY": setup.acme.apiKey])
        #expect(listing.status == 0, "\(listing.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["acme", "beta", "codefresh"])
        #expect(entries.map { $0["plugin"] as? String } == ["aha", "aha", "codefresh"])
        #expect(entries[0]["account"] as? String == setup.acme.url)
        let credentials = entries.map { ($0["credentials"] as? [[String: Any]])?.first }
        #expect(credentials[0]?["source"] as? String == "env ACME_AHA_KEY" && credentials[0]?["present"] as? Bool == true)
        #expect(credentials[1]?["source"] as? String == "file \(setup.work.file("secrets/beta-aha.key"))")
        #expect(credentials[2]?["source"] as? String == "env CF_KEY" && credentials[2]?["present"] as? Bool == false)
        let text = try await connhost(["connectors", "--config", setup.config], environment: setup.environment)
        #expect(text.stdout.contains("api-key: env CF_KEY"), "\(text.stdout)")
        for key in [setup.acme.apiKey, setup.beta.apiKey, setup.codefresh.apiKey] {
            #expect(!listing.output.contains(key) && !text.output.contains(key))
        }
    }

    @Test func literalSecretLooseKeyFileMissingVariableAndUnknownPluginAreOneLineUsageErrors() async throws {
        let literal = try await Setup(configuration: #"{"connectors": {"acme": {"plugin": "aha", "base-url": "acme", "api-key": "hunter2"}}}"#)
        let refused = try await connhost(["sync", "acme", "--config", literal.config])
        #expect(refused.status == 2)
        #expect(refused.stderr == "connhost: host configuration \(literal.config): connectors.acme.api-key is a secret: reference it, "
                + #"{"env": "ACME_API_KEY"} or {"file": "secrets/acme.api-key"}, never write it here"# + "\n")
        #expect(!refused.output.contains("hunter2"))

        let loose = try await Setup(keyFileMode: 0o644)
        let key = loose.work.file("secrets/beta-aha.key")
        let readable = try await connhost(["sync", "beta", "--config", loose.config], environment: loose.environment)
        #expect(readable.status == 2)
        #expect(readable.stderr == "connhost: beta: api-key comes from \(key), which everyone can read (mode 644): chmod 600 \(key)\n")

        let unset = try await connhost(["sync", "acme", "--config", loose.config])
        #expect(unset.status == 2)
        #expect(unset.stderr == "connhost: acme: api-key comes from the environment variable ACME_AHA_KEY, which is not set\n")

        let unknown = try await Setup(configuration: """
            {"pluginsDirectory": "\(Products.directory)", "connectors": {"acme": {"plugin": "ahaa", "base-url": "acme"}}}
            """)
        let noPlugin = try await connhost(["sync", "acme", "--config", unknown.config])
        #expect(noPlugin.status == 2)
        #expect(noPlugin.stderr == "connhost: host configuration \(unknown.config): connectors.acme uses plugin 'ahaa', "
                + "which is not loaded; did you mean 'aha'?\n")
    }
}
