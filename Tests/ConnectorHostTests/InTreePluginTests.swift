import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// The two shipped plugins, loaded into this test process exactly as the host loads them.
///
/// That casts and typed `catch` work across the `dlopen` boundary proves the process
/// holds one copy of ConnectorKit.
struct InTreePluginTests {
    static let directory: String = {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (runner as NSString).deletingLastPathComponent
    }()

    @Test func bothPluginsLoadAndDescribeThemselves() throws {
        let result = PluginLoader(directories: [Self.directory]).loadAll()
        #expect(result.failures.isEmpty, "\(result.failures)")
        let aha = try #require(result.plugin(named: "aha"))
        #expect(aha.metadata.resourceTypes.map(\.id) == ["user", "team"])
        #expect(aha.metadata.configFields.map(\.env).prefix(2) == ["BATON_BASE_URL", "BATON_API_KEY"])
        #expect(aha.metadata.configFields.first { $0.name == "api-key" }?.secret == true)
        let codefresh = try #require(result.plugin(named: "codefresh"))
        #expect(codefresh.metadata.resourceTypes.map(\.id) == ["account", "user"])
        #expect(codefresh.metadata.configFields.first { $0.name == "api-key" }?.env == "BATON_CODEFRESH_API_KEY")
    }

    @Test func typedErrorsCrossTheBoundary() throws {
        let aha = try #require(PluginLoader(directories: [Self.directory]).loadAll().plugin(named: "aha"))
        do {
            _ = try aha.connector.makeSession(config: ConnectorConfiguration(["base-url": "https://acme.aha.io/", "api-key": "k"]),
                                              context: ConnectorContext())
            Issue.record("a trailing slash was accepted")
        } catch let error as ConnectorError {
            #expect(error == .invalidConfiguration(field: "base-url", message: "'https://acme.aha.io/' has a trailing slash; use https://acme.aha.io"))
        }
        // Existentials from the plugin cast to kit protocols.
        let session = try aha.connector.makeSession(config: ConnectorConfiguration(["base-url": "acme", "api-key": "k"]),
                                                    context: ConnectorContext())
        #expect(session.syncers.map(\.resourceType.id) == ["user", "team"])
        #expect((session as Any) is any ConnectorSession)
    }

    @Test func theLoaderRejectsFilesThatAreNotPlugins() throws {
        #expect(PluginLoader.isCandidate("libAhaConnector.so"))
        #expect(!PluginLoader.isCandidate("libConnectorKit.so"))
        #expect(!PluginLoader.isCandidate("libAha.so"))
        #expect(!PluginLoader.isCandidate("AhaConnector.so"))
        guard case .failure(let failure) = PluginLoader.load(path: Self.directory + "/libConnectorKit.so") else {
            Issue.record("the kit itself loaded as a plugin")
            return
        }
        #expect(failure.reason == "not a connhost plugin (no connhost_plugin_abi_version symbol)")
        guard case .failure(let missing) = PluginLoader.load(path: "/nonexistent/libXConnector.so") else { return }
        #expect(missing.reason == "does not exist")
    }
}
