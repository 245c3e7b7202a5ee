import Synchronization

/// The fake Codefresh API: `GET /api/user` and `GET /api/accounts/{id}/users` (a bare
/// array, no pagination, as the real service answers). Both bodies are rendered up front;
/// a mutation renders the users afresh.
final class CodefreshTenant: Tenant {
    let connectorName = "codefresh"
    private let apiKey: String
    private let userBody: [UInt8]
    /// The data and the rendered users list, replaced whole by `apply(_:)`.
    private let current: Mutex<(dataset: CodefreshDataset, usersBody: [UInt8])>

    /// The data served now.
    var dataset: CodefreshDataset { current.withLock { $0.dataset } }

    init(dataset: CodefreshDataset, apiKey: String) {
        self.apiKey = apiKey

        var w = JSONWriter(capacity: 4096)
        let me = dataset.me
        w.raw("{\"_id\":"); w.string(me.id)
        w.raw(",\"userName\":"); w.string(me.userName)
        w.raw(",\"email\":"); w.string(orNull: me.email)
        w.raw(",\"roles\":[\"User\"],\"status\":\"active\"")
        w.raw(",\"activeAccountName\":"); w.string(dataset.activeAccountName)
        w.raw(",\"account\":[")
        for (i, a) in dataset.accounts.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"name\":"); w.string(a.name)
            w.raw(",\"_id\":"); w.string(a.id)
            w.raw(",\"id\":"); w.string(a.id)
            w.raw(",\"admins\":"); w.stringArray(a.admins)
            w.raw(",\"created_at\":"); w.string(a.createdAt)
            w.raw(",\"features\":{\"teamsPermissions\":true}}")
        }
        w.raw("],\"register_date\":"); w.string(me.registerDate)
        w.raw("}")
        userBody = w.bytes

        current = Mutex((dataset, Self.usersBody(dataset.users)))
    }

    /// Applies `mutations` in order, all or none; returns the ids of added users.
    func apply(_ mutations: [Mutation]) throws(Mutation.Failure) -> [String] {
        let result: Result<[String], Mutation.Failure> = current.withLock { state in
            var dataset = state.dataset
            do throws(Mutation.Failure) {
                let added = try dataset.apply(mutations)
                state = (dataset, Self.usersBody(dataset.users))
                return .success(added)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func usersBody(_ users: [CodefreshDataset.User]) -> [UInt8] {
        var list = JSONWriter(capacity: 300 * users.count + 2)
        list.raw("[")
        for (i, u) in users.enumerated() {
            if i > 0 { list.raw(",") }
            writeUser(u, to: &list)
        }
        list.raw("]")
        return list.bytes
    }

    /// The raw key, no scheme: `Bearer <key>` is as wrong as any other value.
    func isAuthorized(_ request: HTTPRequest) -> Bool {
        request.header("authorization") == apiKey
    }

    func errorResponse(status: Int) -> HTTPResponse {
        switch status {
        case 401: return HTTPResponse(status: 401, json: "{\"status\":401,\"code\":\"2401\",\"name\":\"UNAUTHORIZED\",\"message\":\"Unauthorized\"}")
        case 403: return HTTPResponse(status: 403, json: "{\"status\":403,\"code\":\"2403\",\"name\":\"FORBIDDEN\",\"message\":\"You do not have access to this account\"}")
        case 404: return HTTPResponse(status: 404, json: "{\"status\":404,\"code\":\"2404\",\"name\":\"NOT_FOUND\",\"message\":\"Not found\"}")
        case 405: return HTTPResponse(status: 405, json: "{\"status\":405,\"code\":\"2405\",\"name\":\"METHOD_NOT_ALLOWED\",\"message\":\"Method not allowed\"}")
        case 429: return HTTPResponse(status: 429, json: "{\"status\":429,\"code\":\"2429\",\"name\":\"TOO_MANY_REQUESTS\",\"message\":\"Too many requests\"}")
        case 502: return HTTPResponse(status: 502, json: "{\"status\":502,\"name\":\"BAD_GATEWAY\",\"message\":\"Bad gateway\"}")
        case 503: return HTTPResponse(status: 503, json: "{\"status\":503,\"name\":\"SERVICE_UNAVAILABLE\",\"message\":\"Service unavailable\"}")
        case 504: return HTTPResponse(status: 504, json: "{\"status\":504,\"name\":\"GATEWAY_TIMEOUT\",\"message\":\"Gateway timeout\"}")
        default: return HTTPResponse(status: status, json: "{\"status\":500,\"code\":\"1000\",\"name\":\"INTERNAL_SERVER_ERROR\",\"message\":\"Internal server error\"}")
        }
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.first == "api" else { return errorResponse(status: 404) }
        if parts.count == 2 && parts[1] == "user" {
            guard request.method == "GET" else { return errorResponse(status: 405) }
            return HTTPResponse(status: 200, body: userBody)
        }
        if parts.count == 4 && parts[1] == "accounts" && parts[3] == "users" {
            guard request.method == "GET" else { return errorResponse(status: 405) }
            let (dataset, usersBody) = current.withLock { $0 }
            guard let index = dataset.accounts.firstIndex(where: { $0.id == parts[2] }) else {
                return errorResponse(status: 404)
            }
            guard index == dataset.activeIndex else { return errorResponse(status: 403) }
            return HTTPResponse(status: 200, body: usersBody)
        }
        return errorResponse(status: 404)
    }

    private static func writeUser(_ u: CodefreshDataset.User, to w: inout JSONWriter) {
        w.raw("{\"_id\":"); w.string(u.id)
        w.raw(",\"userName\":"); w.string(u.userName)
        if let email = u.email { w.raw(",\"email\":"); w.string(email) }
        w.raw(",\"roles\":"); w.stringArray(u.roles)
        if let status = u.status { w.raw(",\"status\":"); w.string(status) }
        if let p = u.personal {
            w.raw(",\"personal\":{")
            var first = true
            for (key, value) in [("firstName", p.firstName), ("lastName", p.lastName), ("companyName", p.companyName)] {
                guard let value else { continue }
                if !first { w.raw(",") }
                first = false
                w.string(key); w.raw(":"); w.string(value)
            }
            w.raw("}")
        }
        w.raw(",\"register_date\":"); w.string(u.registerDate)
        w.raw("}")
    }

    // MARK: Ground truth

    /// Without an active account there is nothing a connector can sync: the truth then
    /// has the resource types only (a correct connector reports an error instead).
    func truth() -> TruthSnapshot {
        let dataset = self.dataset
        var snapshot = TruthSnapshot(connector: connectorName)
        snapshot.resourceTypes = [
            .init(id: "account", displayName: "Account", traits: ["app"]),
            .init(id: "user", displayName: "User", traits: ["user"]),
        ]
        guard dataset.hasActiveAccount, let active = dataset.activeIndex else { return snapshot }
        let account = dataset.accounts[active]
        let adminEntitlement = "account:\(account.id):admin"
        let userEntitlement = "account:\(account.id):user"
        snapshot.resources.append(.init(type: "account", id: account.id, displayName: account.name, profile: [:]))
        snapshot.entitlements = [
            .init(id: adminEntitlement, resourceType: "account", resourceID: account.id, slug: "admin",
                  displayName: "\(account.name) Admin", purpose: "assignment"),
            .init(id: userEntitlement, resourceType: "account", resourceID: account.id, slug: "user",
                  displayName: "\(account.name) User", purpose: "assignment"),
        ]
        let listedAdmins = Set(account.admins)
        for u in dataset.users {
            var profile = ["userName": u.userName, "roles": u.roles.joined(separator: ",")]
            if let email = u.email { profile["email"] = email }
            if let status = u.status { profile["status"] = status }
            if let first = u.personal?.firstName { profile["first_name"] = first }
            if let last = u.personal?.lastName { profile["last_name"] = last }
            var displayName = u.userName
            if let p = u.personal {
                let full = "\(p.firstName ?? "") \(p.lastName ?? "")".trimmingSpaces()
                if !full.isEmpty { displayName = full }
            }
            snapshot.resources.append(.init(type: "user", id: u.id, displayName: displayName, profile: profile))

            let isAdmin = u.roles.contains("Admin") || listedAdmins.contains(u.id)
            if isAdmin {
                snapshot.grants.append(.init(id: "\(adminEntitlement):user:\(u.id)", entitlement: adminEntitlement,
                                             principalType: "user", principalID: u.id))
            }
            if u.roles.contains("User") || !isAdmin {
                snapshot.grants.append(.init(id: "\(userEntitlement):user:\(u.id)", entitlement: userEntitlement,
                                             principalType: "user", principalID: u.id))
            }
        }
        return snapshot
    }
}
