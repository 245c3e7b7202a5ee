import ConnectorKit

/// Breaks one rule: the user list's page tokens cycle `a → b → a → …` and never end.
/// (Each token differs from the one before, so only a check that remembers them all stops it.)
struct EndlessPages: SelfTestingConnector {
    var metadata: ConnectorMetadata {
        ConnectorMetadata(name: "endless", version: "1.0.0", summary: "page tokens that cycle",
                          resourceTypes: [Users.type], configFields: [])
    }
    func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession { Session() }
    func makeSelfTestSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession { Session() }
}

struct Session: ConnectorSession {
    var syncers: [any ResourceSyncer] { [Users()] }
    func validate() async throws -> String { "ok" }
}

struct Users: ResourceSyncer {
    static let type = ResourceType(id: "user", displayName: "User", traits: [.user])
    var resourceType: ResourceType { Self.type }
    func list(_ request: ListRequest) async throws -> Page<Resource> {
        let (id, next): (String, PageToken) = switch request.page?.rawValue {
        case nil: ("0", "a")
        case "a": ("1", "b")
        default: ("2", "a")
        }
        return Page([Resource(type: "user", id: id, displayName: "User \(id)")], next: next)
    }
}

@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? { PluginBox.export { EndlessPages() } }
