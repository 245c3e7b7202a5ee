import ConnectorKit
import Foundation

/// A self-contained plugin for tests: `count` things in groups of ten, each group granting
/// `member` to its things. `fail-at-page` throws and `trap-at-page` crashes mid-sync.
public struct HelloConnector: Connector {
    public init() {}

    public var metadata: ConnectorMetadata {
        ConnectorMetadata(
            name: "hello", version: "1.2.3", summary: "test plugin: things and groups",
            resourceTypes: [ThingSyncer.type, GroupSyncer.type],
            configFields: [
                ConfigField(name: "count", env: "HELLO_COUNT", help: "things to make", defaultValue: "25"),
                ConfigField(name: "token", env: "HELLO_TOKEN", secret: true, required: true, help: "a secret"),
                ConfigField(name: "fail-at-page", env: "HELLO_FAIL_AT_PAGE", help: "throw on this page of things"),
                ConfigField(name: "trap-at-page", env: "HELLO_TRAP_AT_PAGE", help: "crash on this page of things"),
            ])
    }

    public func makeSession(config: ConnectorConfiguration, context: ConnectorContext) throws -> any ConnectorSession {
        guard let count = Int(config["count"] ?? "25"), count >= 0 else {
            throw ConnectorError.invalidConfiguration(field: "count", message: "must be a whole number")
        }
        let token = try config.require("token")
        if token == "reject-this-token" { throw ConnectorError.unauthenticated(host: "hello", message: "the token was rejected") }
        return HelloSession(count: count, failAt: config["fail-at-page"].flatMap(Int.init),
                            trapAt: config["trap-at-page"].flatMap(Int.init))
    }
}

struct HelloSession: ConnectorSession {
    let count: Int
    let failAt: Int?
    let trapAt: Int?

    var syncers: [any ResourceSyncer] {
        [ThingSyncer(count: count, failAt: failAt, trapAt: trapAt), GroupSyncer(count: count)]
    }

    func validate() async throws -> String { "hello with \(count) things" }
}

struct ThingSyncer: ResourceSyncer {
    static let type = ResourceType(id: "thing", displayName: "Thing", traits: [.user])
    static let pageSize = 10
    let count: Int
    let failAt: Int?
    let trapAt: Int?
    var resourceType: ResourceType { Self.type }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        let page = try PageToken.pageNumber(request.page)
        if page == failAt { throw ConnectorError.requestFailed(endpoint: "GET /things?page=\(page)", status: 500, message: "fixture failure") }
        if page == trapAt { fatalError("fixture trap") }
        let start = (page - 1) * Self.pageSize
        let items = (start..<min(count, start + Self.pageSize)).map {
            Resource(type: "thing", id: String($0), displayName: "Thing \($0) ✓", profile: ["n": String($0)])
        }
        return Page(items, next: start + Self.pageSize < count ? .page(page + 1) : nil)
    }
}

struct GroupSyncer: ResourceSyncer {
    static let type = ResourceType(id: "group", displayName: "Group", traits: [.group])
    let count: Int
    var resourceType: ResourceType { Self.type }

    func list(_ request: ListRequest) async throws -> Page<Resource> {
        Page((0..<(count + 9) / 10).map { Resource(type: "group", id: String($0), displayName: "Group \($0)") })
    }

    func entitlements(_ request: EntitlementsRequest) async throws -> Page<Entitlement> {
        Page([Entitlement(resource: request.resource.reference, slug: "member", displayName: "member")])
    }

    func grants(_ request: GrantsRequest) async throws -> Page<Grant> {
        let group = Int(request.resource.id) ?? 0
        let member = Entitlement(resource: request.resource.reference, slug: "member", displayName: "member")
        return Page((group * 10..<min(count, group * 10 + 10)).map {
            Grant(entitlement: member, principal: ResourceReference(type: "thing", id: String($0)))
        })
    }
}

@_cdecl("connhost_plugin_abi_version")
public func abiVersion() -> UInt32 { connectorABIVersion }

@_cdecl("connhost_plugin_entry")
public func entry() -> UnsafeMutableRawPointer? { PluginBox.export { HelloConnector() } }
