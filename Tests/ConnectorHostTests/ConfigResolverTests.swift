import ConnectorHost
import ConnectorKit
import Testing

/// Config fields resolve flag → environment → host-config.json → default.
struct ConfigResolverTests {
    let metadata = ConnectorMetadata(name: "demo", version: "1", summary: "", resourceTypes: [], configFields: [
        ConfigField(name: "base-url", env: "DEMO_URL", required: true, help: ""),
        ConfigField(name: "api-key", env: "DEMO_KEY", secret: true, required: true, help: ""),
        ConfigField(name: "region", env: "DEMO_REGION", help: "", defaultValue: "eu"),
    ])

    func resolve(flags: [String: String] = [:], env: [String: String] = [:], file: [String: String] = [:]) throws -> ConnectorConfiguration {
        var host = HostConfiguration()
        host.connectors["demo"] = file
        return try ConfigResolver(flags: flags, environment: env, hostConfiguration: host).resolve(metadata)
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
}
