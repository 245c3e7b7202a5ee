import Synchronization

/// The fake Aha! API (`/api/v1/...`). All JSON is rendered up front: the users sit
/// comma-separated in one byte blob, so any page of users is a single contiguous slice
/// and serving it costs one copy, whatever the page size. A mutation renders it afresh.
final class AhaTenant: Tenant {
    let connectorName = "aha"
    private let expectedAuthorization: String
    private let maxPerPage: Int
    /// The data and its rendering, replaced whole by `apply(_:)`; requests take a copy.
    private let current: Mutex<Rendering>
    /// Issues the OAuth access tokens accepted alongside the API key.
    let oauth: OAuthServer?
    /// Whether the team list adds `team_members` when `fields` asks (`--unlisted-members` turns it off).
    private let listsMembers: Bool

    /// A dataset and its JSON, rendered once.
    private struct Rendering: Sendable {
        let dataset: AhaDataset
        /// `users[i]` is `userBlob[userStart[i]..<userEnd[i]]`; consecutive users are
        /// separated by a comma inside the blob.
        let userBlob: [UInt8]
        let userStart: [Int]
        let userEnd: [Int]
        /// Compact team records without their closing brace, so `team_members` can be appended.
        let teamOpen: [[UInt8]]
        let teamMembersValue: [[UInt8]]
        let membershipItems: [[[UInt8]]]
        let teamIndex: [String: Int]

        init(_ dataset: AhaDataset) {
            self.dataset = dataset
            var blob = JSONWriter(capacity: dataset.users.count * 900)
            var starts: [Int] = []
            var ends: [Int] = []
            starts.reserveCapacity(dataset.users.count)
            ends.reserveCapacity(dataset.users.count)
            for (i, user) in dataset.users.enumerated() {
                if i > 0 { blob.raw(",") }
                starts.append(blob.bytes.count)
                AhaTenant.writeUser(user, to: &blob)
                ends.append(blob.bytes.count)
            }
            userBlob = blob.bytes
            userStart = starts
            userEnd = ends

            teamOpen = dataset.teams.map { team in
                var w = JSONWriter(capacity: 600)
                AhaTenant.writeTeamOpen(team, to: &w)
                return w.bytes
            }
            teamMembersValue = dataset.teams.map { team in
                var w = JSONWriter(capacity: 160 * team.memberships.count + 2)
                AhaTenant.writeTeamMembers(team.memberships.map(\.member), to: &w)
                return w.bytes
            }
            membershipItems = dataset.teams.map { team in
                team.memberships.map { membership in
                    var w = JSONWriter(capacity: 400)
                    w.raw("{\"id\":"); w.string(membership.id)
                    w.raw(",\"team_member\":"); AhaTenant.writeMember(membership.member, to: &w)
                    w.raw(",\"team\":{\"id\":"); w.string(team.id)
                    w.raw(",\"name\":"); w.string(team.name)
                    w.raw("},\"created_at\":"); w.string(membership.createdAt)
                    w.raw("}")
                    return w.bytes
                }
            }
            var index: [String: Int] = [:]
            for (i, team) in dataset.teams.enumerated() { index[team.id] = i }
            teamIndex = index
        }
    }

    /// The data served now.
    var dataset: AhaDataset { current.withLock { $0.dataset } }

    init(dataset: AhaDataset, apiKey: String, maxPerPage: Int, listsMembers: Bool = true, oauth: OAuthServer? = nil) {
        self.oauth = oauth
        self.listsMembers = listsMembers
        expectedAuthorization = "Bearer \(apiKey)"
        self.maxPerPage = maxPerPage
        current = Mutex(Rendering(dataset))
    }

    /// Applies `mutations` in order, all or none; returns the ids of added users.
    func apply(_ mutations: [Mutation]) throws(Mutation.Failure) -> [String] {
        let result: Result<[String], Mutation.Failure> = current.withLock { rendering in
            var dataset = rendering.dataset
            do throws(Mutation.Failure) {
                let added = try dataset.apply(mutations)
                rendering = Rendering(dataset)
                return .success(added)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The API key, or an OAuth access token that is live (issued, not expired), both as
    /// `Bearer …`, as on the real service.
    func isAuthorized(_ request: HTTPRequest) -> Bool {
        guard let value = request.header("authorization") else { return false }
        if value == expectedAuthorization { return true }
        guard let oauth, value.hasPrefix("Bearer ") else { return false }
        return oauth.acceptsAccessToken(String(value.dropFirst("Bearer ".count)))
    }

    func errorResponse(status: Int) -> HTTPResponse {
        switch status {
        case 401: return HTTPResponse(status: 401, json: "{\"error\":\"Unauthorized\",\"message\":\"Invalid or missing API key\"}")
        case 404: return HTTPResponse(status: 404, json: "{\"error\":\"Not found\"}")
        case 405: return HTTPResponse(status: 405, json: "{\"error\":\"Method not allowed\"}")
        case 429: return HTTPResponse(status: 429, json: "{\"error\":\"Too Many Requests\",\"message\":\"Rate limit exceeded: 300 requests per minute and 20 per second\"}")
        case 502: return HTTPResponse(status: 502, json: "{\"error\":\"Bad Gateway\"}")
        case 503: return HTTPResponse(status: 503, json: "{\"error\":\"Service Unavailable\"}")
        case 504: return HTTPResponse(status: 504, json: "{\"error\":\"Gateway Timeout\"}")
        default: return HTTPResponse(status: status, json: "{\"error\":\"Internal Server Error\"}")
        }
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v1" else { return errorResponse(status: 404) }
        guard request.method == "GET" else { return errorResponse(status: 405) }
        let r = current.withLock { $0 }
        switch (parts.count, parts[2]) {
        case (3, "users"):
            return usersPage(request, r)
        case (3, "teams"):
            return teamsPage(request, r)
        case (4, "teams"):
            guard let t = r.teamIndex[String(parts[3])] else { return errorResponse(status: 404) }
            var w = JSONWriter(capacity: r.teamOpen[t].count + r.teamMembersValue[t].count + 32)
            w.raw("{\"team\":"); w.raw(r.teamOpen[t]); w.raw(",\"team_members\":"); w.raw(r.teamMembersValue[t]); w.raw("}}")
            return HTTPResponse(status: 200, body: w.bytes)
        case (5, "teams") where parts[4] == "team_memberships":
            guard let t = r.teamIndex[String(parts[3])] else { return errorResponse(status: 404) }
            return membershipsPage(request, team: t, r)
        default:
            return errorResponse(status: 404)
        }
    }

    private func usersPage(_ request: HTTPRequest, _ r: Rendering) -> HTTPResponse {
        let window = PageWindow(request: request, total: r.dataset.users.count, maxPerPage: maxPerPage)
        let range = window.range
        let slice = range.isEmpty ? r.userBlob[0..<0] : r.userBlob[r.userStart[range.lowerBound]..<r.userEnd[range.upperBound - 1]]
        var w = JSONWriter(capacity: slice.count + 128)
        w.raw("{\"users\":[")
        w.raw(slice)
        w.raw("],")
        window.write(&w)
        w.raw("}")
        return HTTPResponse(status: 200, body: w.bytes)
    }

    /// `team_members` only when `fields` names it, like the real list endpoint.
    private func teamsPage(_ request: HTTPRequest, _ r: Rendering) -> HTTPResponse {
        let fields = (request.query["fields"] ?? "").split(separator: ",").map { $0.trimmingSpaces() }
        let withMembers = listsMembers && fields.contains("team_members")
        let window = PageWindow(request: request, total: r.dataset.teams.count, maxPerPage: maxPerPage)
        var w = JSONWriter(capacity: 4096)
        w.raw("{\"teams\":[")
        for (n, t) in window.range.enumerated() {
            if n > 0 { w.raw(",") }
            w.raw(r.teamOpen[t])
            if withMembers { w.raw(",\"team_members\":"); w.raw(r.teamMembersValue[t]) }
            w.raw("}")
        }
        w.raw("],")
        window.write(&w)
        w.raw("}")
        return HTTPResponse(status: 200, body: w.bytes)
    }

    private func membershipsPage(_ request: HTTPRequest, team: Int, _ r: Rendering) -> HTTPResponse {
        let items = r.membershipItems[team]
        let window = PageWindow(request: request, total: items.count, maxPerPage: maxPerPage)
        var w = JSONWriter(capacity: 4096)
        w.raw("{\"team_memberships\":[")
        for (n, i) in window.range.enumerated() {
            if n > 0 { w.raw(",") }
            w.raw(items[i])
        }
        w.raw("],")
        window.write(&w)
        w.raw("}")
        return HTTPResponse(status: 200, body: w.bytes)
    }

    // MARK: Rendering

    private static func writeUser(_ u: AhaDataset.User, to w: inout JSONWriter) {
        w.raw("{\"id\":"); w.string(u.id)
        w.raw(",\"name\":"); w.string(u.name)
        w.raw(",\"email\":"); w.string(orNull: u.email)
        w.raw(",\"created_at\":"); w.string(u.createdAt)
        w.raw(",\"updated_at\":"); w.string(u.updatedAt)
        w.raw(",\"accessed_at\":"); w.string(orNull: u.accessedAt)
        w.raw(",\"product_roles\":"); writeRoles(u.productRoles, to: &w)
        w.raw(",\"enabled\":"); w.bool(u.enabled)
        w.raw(",\"paid_seat\":"); w.bool(u.paidSeat)
        w.raw(",\"administrator\":"); w.bool(u.administrator)
        w.raw(",\"administrator_roles\":{\"administer_account\":"); w.bool(u.administerAccount)
        w.raw(",\"administer_billing\":"); w.bool(u.administerBilling)
        w.raw(",\"administer_configuration\":"); w.bool(u.administerConfiguration)
        w.raw("},\"user_roles\":"); writeRoles(u.userRoles, to: &w)
        w.raw(",\"identity_provider\":{\"type\":"); w.string(u.identityProvider)
        w.raw("}")
        if let group = u.paidSeatGroup {
            w.raw(",\"paid_seat_group\":{\"id\":"); w.int(group.id)
            w.raw(",\"name\":"); w.string(group.name); w.raw("}")
        }
        w.raw("}")
    }

    private static func writeRoles(_ roles: [AhaDataset.ProductRole], to w: inout JSONWriter) {
        w.raw("[")
        for (i, r) in roles.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"role\":"); w.int(r.role)
            w.raw(",\"role_description\":"); w.string(r.description)
            w.raw(",\"product_id\":"); w.string(r.productID)
            w.raw(",\"product_name\":"); w.string(r.productName)
            w.raw("}")
        }
        w.raw("]")
    }

    private static func writeTeamOpen(_ t: AhaDataset.Team, to w: inout JSONWriter) {
        w.raw("{\"id\":"); w.string(t.id)
        w.raw(",\"name\":"); w.string(t.name)
        w.raw(",\"team_members_count\":"); w.int(t.teamMembersCount)
        w.raw(",\"capacity\":"); w.string(t.capacity)
        w.raw(",\"hourly_rate\":"); w.string(t.hourlyRate)
        w.raw(",\"project\":")
        if let p = t.project {
            w.raw("{\"id\":"); w.string(p.id)
            w.raw(",\"reference_prefix\":"); w.string(p.referencePrefix)
            w.raw(",\"name\":"); w.string(p.name)
            w.raw(",\"product_line\":false,\"created_at\":"); w.string(p.createdAt)
            w.raw("}")
        } else {
            w.raw("null")
        }
        w.raw(",\"schedule\":{\"id\":"); w.string(t.scheduleID)
        w.raw(",\"name\":\"Default schedule\",\"hours_per_day\":\"8.0\"}")
        w.raw(",\"custom_fields\":[")
        for (i, f) in t.customFields.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"key\":"); w.string(f.key)
            w.raw(",\"name\":"); w.string(f.name)
            w.raw(",\"value\":"); w.string(f.value)
            w.raw(",\"type\":\"string\"}")
        }
        w.raw("],\"created_at\":"); w.string(t.createdAt)
        w.raw(",\"updated_at\":"); w.string(t.updatedAt)
    }

    /// The documented quirk: one member renders as a bare object, otherwise an array.
    private static func writeTeamMembers(_ members: [AhaDataset.TeamMember], to w: inout JSONWriter) {
        if members.count == 1 {
            writeMember(members[0], to: &w)
            return
        }
        w.raw("[")
        for (i, m) in members.enumerated() {
            if i > 0 { w.raw(",") }
            writeMember(m, to: &w)
        }
        w.raw("]")
    }

    private static func writeMember(_ m: AhaDataset.TeamMember, to w: inout JSONWriter) {
        w.raw("{\"id\":"); w.string(m.id)
        w.raw(",\"name\":"); w.string(m.name)
        w.raw(",\"email\":"); w.string(orNull: m.email)
        w.raw(",\"user_id\":"); w.string(orNull: m.userID)
        w.raw(",\"virtual\":"); w.bool(m.isVirtual)
        w.raw("}")
    }

    // MARK: Ground truth

    func truth() -> TruthSnapshot {
        let dataset = self.dataset
        var snapshot = TruthSnapshot(connector: connectorName)
        snapshot.resourceTypes = [
            .init(id: "team", displayName: "Team", traits: ["group"]),
            .init(id: "user", displayName: "User", traits: ["user"]),
        ]
        snapshot.resources.reserveCapacity(dataset.users.count + dataset.teams.count)
        for u in dataset.users {
            var profile = [
                "status": u.enabled ? "enabled" : "disabled",
                "administrator": u.administrator ? "true" : "false",
                "paid_seat": u.paidSeat ? "true" : "false",
            ]
            if let email = u.email { profile["email"] = email }
            if let accessed = u.accessedAt { profile["last_access"] = accessed }
            snapshot.resources.append(.init(type: "user", id: u.id, displayName: u.name, profile: profile))
        }
        for t in dataset.teams {
            snapshot.resources.append(.init(type: "team", id: t.id, displayName: t.name, profile: [:]))
            let entitlement = "team:\(t.id):member"
            snapshot.entitlements.append(.init(id: entitlement, resourceType: "team", resourceID: t.id, slug: "member",
                                               displayName: "\(t.name) Member", purpose: "assignment"))
            for m in t.memberships {
                guard !m.member.isVirtual, let userID = m.member.userID else { continue }
                snapshot.grants.append(.init(id: "\(entitlement):user:\(userID)", entitlement: entitlement,
                                             principalType: "user", principalID: userID))
            }
        }
        return snapshot
    }
}
