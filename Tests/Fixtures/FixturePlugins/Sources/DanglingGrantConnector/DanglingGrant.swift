import ConnectorKit

/// Breaks one rule: team `t` grants `member` to user `ghost`, whom no syncer lists.
struct DanglingGrant: SelfTestingConnector {
    var metadata: ConnectorMetadata {
        ConnectorMetadata(name: "dangling", version: "1.0.0", summary: "a grant to a principal never listed",
                          resourceTypes: [Users.type, Teams.type], configFields: [])
    }
    func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession { Session() }
    func makeSelfTestSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession { Session() }
}

struct Session: ConnectorSession {
    var syncers: [any ResourceSyncer] { [Users(), Teams()] }
    func validate() async throws -> String { "ok" }
}

struct Users: ResourceSyncer {
    static let type = ResourceType(id: "user", displayName: "User", traits: [.user])
    var resourceType: ResourceType { Self.type }
    func list(_ request: ListRequest) async throws -> Page<Resource> {
        Page([Resource(type: "user", id: "1", displayName: "One")])
    }
}

struct Teams: ResourceSyncer {
    static let type = ResourceType(id: "team", displayName: "Team", traits: [.group])
    var resourceType: ResourceType { Self.type }
    func list(_ request: ListRequest) async throws -> Page<Resource> {
        Page([Resource(type: "team", id: "t", displayName: "Team")])
    }
    func entitlements(_ request: EntitlementsRequest) async throws -> Page<Entitlement> {
        Page([Entitlement(resource: request.resource.reference, slug: "member", displayName: "member")])
    }
    func grants(_ request: GrantsRequest) async throws -> Page<Grant> {
        let member = Entitlement(resource: request.resource.reference, slug: "member", displayName: "member")
        return Page(["1", "ghost"].map { Grant(entitlement: member, principal: ResourceReference(type: "user", id: $0)) })
    }
}

@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? { PluginBox.export { DanglingGrant() } }
