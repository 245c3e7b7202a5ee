import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// Config fields resolve flag → environment → host-config.json → default.
struct ConfigResolverTests {
    let metadata = ConnectorMetadata(name: "demo", version: "1", summary: "", resourceTypes: [], configFields: [
        ConfigField(name: "base-url", env: "DEMO_URL", required: true, help: ""),
        ConfigField(name: "api-key", env: "DEMO_KEY", secret: true, required: true, help: ""),
        ConfigField(name: "region", env: "DEMO_REGION", help: "", defaultValue: "eu"),
    ])

    /// `file` as the instance `demo` of host-config.json would give it: the secret by
    /// reference (to `DEMO_FILE_KEY`), the rest as values.
    func resolve(flags: [String: String] = [:], env: [String: String] = [:], file: [String: String] = [:]) throws -> ConnectorConfiguration {
        var host = HostConfiguration()
        var environment = env
        var instance = ConnectorInstance(name: "demo", values: file.filter { $0.key != "api-key" })
        if let key = file["api-key"] {
            instance.references["api-key"] = .environment("DEMO_FILE_KEY")
            environment["DEMO_FILE_KEY"] = key
        }
        host.connectors["demo"] = instance
        return try ConfigResolver(flags: flags, environment: environment, hostConfiguration: host).resolve(metadata)
    }

    @Test func precedence() throws {
        let all = ["base-url": "f", "api-key": "f", "region": "f"]
        #expect(try resolve(flags: ["base-url": "flag"], env: ["DEMO_URL": "env"], file: all)["base-url"] == "flag")
        #expect(try resolve(env: ["DEMO_URL": "env"], file: all)["base-url"] == "env")
        #expect(try resolve(file: all)["base-url"] == "f")
        #expect(try resolve(file: ["base-url": "f", "api-key": "k"])["region"] == "eu")
        // An empty value counts as not given.
        #expect(try resolve(flags: ["base-url": ""], env: ["DEMO_URL": "env"], file: all)["base-url"] == "env")
    }

    @Test func missingRequiredFieldNamesFlagAndVariable() {
        #expect(throws: HostError.usage("demo: missing --api-key (or set DEMO_KEY)")) {
            try resolve(flags: ["base-url": "x"])
        }
    }

    @Test func secretsAreCollectedForRedaction() throws {
        let config = try resolve(flags: ["base-url": "x", "api-key": "super-secret"])
        #expect(ConfigResolver.secrets(of: config, metadata) == ["super-secret"])
    }

    // MARK: - Instances and secret references

    func load(_ json: String, files: [String: (String, Int)] = [:]) throws -> (HostConfiguration, TemporaryDirectory) {
        let directory = try TemporaryDirectory("config")
        try FileManager.default.createDirectory(atPath: directory.file("secrets"), withIntermediateDirectories: true)
        for (name, (content, mode)) in files {
            FileManager.default.createFile(atPath: directory.file(name), contents: Data(content.utf8), attributes: [.posixPermissions: mode])
        }
        FileManager.default.createFile(atPath: directory.file("host-config.json"), contents: Data(json.utf8))
        return (try HostConfiguration.load(path: directory.file("host-config.json")), directory)
    }

    @Test func instancesNameTheirPluginAndReferenceTheirSecrets() throws {
        let (host, directory) = try load("""
            {"connectors": {
               "acme": {"plugin": "demo", "base-url": "https://acme", "api-key": {"env": "ACME_KEY"}, "schedule": "every 6h"},
               "beta": {"plugin": "demo", "base-url": "https://beta", "api-key": {"file": "secrets/beta.key"}},
               "demo": {"base-url": "https://plain", "api-key": {"env": "PLAIN_KEY"}}}}
            """, files: ["secrets/beta.key": ("beta-secret\n", 0o600)])
        #expect(host.connectors["acme"] == ConnectorInstance(name: "acme", plugin: "demo", values: ["base-url": "https://acme"],
                                                              references: ["api-key": .environment("ACME_KEY")], schedule: "every 6h"))
        #expect(host.connectors["beta"]?.references["api-key"] == .file(directory.file("secrets/beta.key")))
        #expect(host.instance(named: "demo").plugin == "demo")
        #expect(host.instance(named: "other") == ConnectorInstance(name: "other"))
        let resolver = ConfigResolver(flags: [:], environment: ["ACME_KEY": "acme-secret", "PLAIN_KEY": "p"], hostConfiguration: host)
        let acme = try resolver.resolve(metadata, instance: try #require(host.connectors["acme"]))
        #expect(acme["api-key"] == "acme-secret" && acme["base-url"] == "https://acme")
        let beta = try resolver.resolve(metadata, instance: try #require(host.connectors["beta"]))
        #expect(beta["api-key"] == "beta-secret" && beta["base-url"] == "https://beta")
        #expect(try resolver.resolve(metadata)["base-url"] == "https://plain")
    }

    @Test func aSecretWrittenAsAValueIsRefusedWithTheWayToReferenceIt() throws {
        let (host, directory) = try load(#"{"connectors": {"acme": {"plugin": "demo", "base-url": "x", "api-key": "hunter2"}}}"#)
        let instance = try #require(host.connectors["acme"])
        #expect(throws: HostError.usage("host configuration \(directory.file("host-config.json")): connectors.acme.api-key is a secret: "
                                        + #"reference it, {"env": "ACME_API_KEY"} or {"file": "secrets/acme.api-key"}, never write it here"#)) {
            try ConfigResolver(flags: [:], environment: [:], hostConfiguration: host).resolve(metadata, instance: instance)
        }
    }

    @Test func unusableReferencesAreUsageErrorsNamingTheInstanceAndField() throws {
        let (host, directory) = try load("""
            {"connectors": {"loose": {"plugin": "demo", "base-url": "x", "api-key": {"file": "secrets/loose.key"}},
                            "gone": {"plugin": "demo", "base-url": "x", "api-key": {"env": "GONE_KEY"}},
                            "empty": {"plugin": "demo", "base-url": "x", "api-key": {"file": "secrets/empty.key"}}}}
            """, files: ["secrets/loose.key": ("k", 0o640), "secrets/empty.key": ("\n", 0o600)])
        let resolver = ConfigResolver(flags: [:], environment: [:], hostConfiguration: host)
        let loose = directory.file("secrets/loose.key"), empty = directory.file("secrets/empty.key")
        #expect(throws: HostError.usage("loose: api-key comes from \(loose), which its group can read (mode 640): chmod 600 \(loose)")) {
            try resolver.resolve(metadata, instance: try #require(host.connectors["loose"]))
        }
        #expect(throws: HostError.usage("gone: api-key comes from the environment variable GONE_KEY, which is not set")) {
            try resolver.resolve(metadata, instance: try #require(host.connectors["gone"]))
        }
        #expect(throws: HostError.usage("empty: api-key comes from \(empty), which is empty")) {
            try resolver.resolve(metadata, instance: try #require(host.connectors["empty"]))
        }
    }

    @Test(arguments: [
        (#"{"connectors": {"a": {"api-key": {"env": "X", "file": "y"}}}}"#,
         #"connectors.a.api-key must be a string or a reference, {"env": "NAME"} or {"file": "PATH"}"#),
        (#"{"connectors": {"a": {"api-key": {"enx": "X"}}}}"#,
         #"connectors.a.api-key: unknown reference 'enx'; did you mean 'env'? (connectors.a.api-key must be a string or a reference, {"env": "NAME"} or {"file": "PATH"})"#),
        (#"{"connectors": {"a b": {}}}"#, "connectors.a b: an instance name is letters, digits, '-' and '_' (it names files and flags)"),
        (#"{"state": {"keep": 0}}"#, "state.keep must be a whole number from 1 to 10000, not a number 0"),
        (#"{"serve": {"listn": "x"}}"#, "unknown key 'serve.listn'; did you mean 'serve.listen'?"),
    ])
    func malformedInstancesNameTheKeyPath(json: String, message: String) throws {
        let directory = try TemporaryDirectory("config")
        let path = directory.file("host-config.json")
        FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
        #expect(throws: HostError.usage("host configuration \(path): \(message)")) { try HostConfiguration.load(path: path) }
    }

    @Test func stateAndServeSectionsAreRead() throws {
        let (host, directory) = try load(#"{"state": {"directory": "state", "keep": 30}, "serve": {"listen": "127.0.0.1:0"}}"#)
        #expect(host.stateDirectory == directory.file("state"))
        #expect(host.keep == 30)
        #expect(host.listen == "127.0.0.1:0")
    }
}
