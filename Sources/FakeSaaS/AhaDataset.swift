/// The generated Aha! tenant: users, capacity-planning teams and their memberships.
/// Everything derives from the seed and the sizes. Each user comes from its own
/// seeded stream, so `--extra-users K` leaves the first N users byte-identical, and
/// memberships only ever use those first N users, so the extra users change nothing
/// else: diff tests see exactly K added users.
struct AhaDataset: Sendable {
    struct ProductRole: Sendable {
        var role: Int
        var description: String
        var productID: String
        var productName: String
    }

    struct User: Sendable {
        var id: String
        var name: String
        var email: String?
        var createdAt: String
        var updatedAt: String
        var accessedAt: String?
        var enabled: Bool
        var paidSeat: Bool
        var administrator: Bool
        var administerAccount: Bool
        var administerBilling: Bool
        var administerConfiguration: Bool
        var productRoles: [ProductRole]
        var userRoles: [ProductRole]
        var identityProvider: String
        var paidSeatGroup: (id: Int, name: String)?
    }

    /// A person as listed on a team: a real user (`userID` set) or a virtual one.
    struct TeamMember: Sendable {
        var id: String
        var name: String
        var email: String?
        var userID: String?
        var isVirtual: Bool
    }

    struct Membership: Sendable {
        var id: String
        var member: TeamMember
        var createdAt: String
    }

    struct Project: Sendable {
        var id: String
        var referencePrefix: String
        var name: String
        var createdAt: String
    }

    struct Team: Sendable {
        var id: String
        var name: String
        /// Aha!'s capacity figure; deliberately NOT the number of members.
        var teamMembersCount: Int
        var capacity: String
        var hourlyRate: String
        var project: Project?
        var scheduleID: String
        var customFields: [(key: String, name: String, value: String)]
        var createdAt: String
        var updatedAt: String
        var memberships: [Membership]
    }

    var users: [User]
    var teams: [Team]

    /// Role numbers and names from the Aha! API documentation.
    static let roles: [(Int, String)] = [(20, "Owner"), (30, "Contributor"), (35, "Developer"), (40, "Reviewer"), (50, "Viewer")]

    struct Sizes {
        var users: Int
        var extraUsers: Int
        var teams: Int
        var virtualUsers: Int
        var dropMember: Bool
        var hostileNames = false
    }

    /// `--hostile-names`: the first user and team renamed, after the fixed hard cases.
    static let hostileUserOffset = 6, hostileTeamOffset = 4

    static func generate(seed: UInt64, sizes: Sizes) -> AhaDataset {
        let userIDs = IdScrambler(seed: seed, salt: "aha.user.id", base: 10_000_000, modulus: 90_000_000)
        let memberIDs = IdScrambler(seed: seed, salt: "aha.member.id", base: 100_000_000, modulus: 900_000_000)
        let teamIDs = IdScrambler(seed: seed, salt: "aha.team.id", base: 6_000_000_000_000_000_000,
                                  modulus: 1_000_000_000_000_000_000)
        let membershipIDs = IdScrambler(seed: seed, salt: "aha.membership.id", base: 7_000_000_000_000_000_000,
                                        modulus: 1_000_000_000_000_000_000)
        let productIDs = IdScrambler(seed: seed, salt: "aha.product.id", base: 8_000_000_000_000_000_000,
                                     modulus: 1_000_000_000_000_000_000)

        var productRng = StableHash.stream(seed, "aha.products")
        let products: [Project] = NameBank.products.enumerated().map { i, p in
            Project(id: productIDs.id(i), referencePrefix: p.prefix, name: p.name,
                    createdAt: Timestamp.iso(millis: Timestamp.random(&productRng, fromDay: 0, toDay: 300)))
        }

        var users = generateUsers(seed: seed, count: sizes.users + sizes.extraUsers, ids: userIDs, products: products)
        // Renamed before the teams are made, so team members carry the same names.
        if sizes.hostileNames {
            for (k, name) in NameBank.hostileUserNames.enumerated() where hostileUserOffset + k < users.count {
                users[hostileUserOffset + k].name = name
            }
        }
        var teams = generateTeams(seed: seed, sizes: sizes, users: Array(users.prefix(sizes.users)),
                                  teamIDs: teamIDs, memberIDs: memberIDs, membershipIDs: membershipIDs,
                                  products: products, scheduleIDs: productIDs)
        if sizes.hostileNames {
            for (k, name) in NameBank.hostileTeamNames.enumerated() where hostileTeamOffset + k < teams.count {
                teams[hostileTeamOffset + k].name = name
            }
        }
        if sizes.dropMember { dropFirstRealMembership(&teams) }
        return AhaDataset(users: users, teams: teams)
    }

    private static func generateUsers(seed: UInt64, count: Int, ids: IdScrambler, products: [Project]) -> [User] {
        let domains = ["example.com", "example.org", "acme.test"]
        var users: [User] = []
        users.reserveCapacity(count)
        for i in 0..<count {
            var rng = StableHash.stream(seed, "aha.user", i)
            let name: String
            let handle: String
            if i < NameBank.ahaSpecialUsers.count {
                (name, handle) = NameBank.ahaSpecialUsers[i]
            } else if rng.chance(0.04) {
                let full = rng.pick(NameBank.fullNames)
                (name, handle) = (full.0, "\(full.1).\(i)")
            } else {
                let first = rng.pick(NameBank.firstNames)
                let last = rng.pick(NameBank.lastNames)
                (name, handle) = ("\(first.0) \(last.0)", "\(first.1).\(last.1).\(i)")
            }
            let domain = rng.pick(domains)
            let email: String?
            if i == 2 {
                email = users[0].email  // the documented duplicate-email quirk
            } else if i >= NameBank.ahaSpecialUsers.count && rng.chance(0.01) {
                email = users[rng.below(i)].email
            } else {
                email = "\(handle)@\(domain)"
            }

            let created = Timestamp.random(&rng, fromDay: 0, toDay: 2000)
            let updated = created + Int64(rng.below(300 * 86_400_000))
            let neverLoggedIn = i == 2 || rng.chance(0.15)
            let accessed = updated + Int64(rng.below(90 * 86_400_000))
            let enabled = i == 4 ? false : !rng.chance(0.1)
            let paidSeat = rng.chance(0.7)
            let administrator = i == 0 || rng.chance(0.08)
            let billing = administrator && rng.chance(0.5)
            let configuration = administrator && rng.chance(0.7)

            var productRoles: [ProductRole] = []
            var available = Array(products.indices)
            rng.shuffle(&available)
            for p in available.prefix(rng.below(4)) {
                let role = rng.pick(roles)
                productRoles.append(ProductRole(role: role.0, description: role.1,
                                                productID: products[p].id, productName: products[p].name))
            }
            var userRoles: [ProductRole] = []
            if rng.chance(0.1), let first = productRoles.first {
                userRoles.append(first)
            }
            let idpDraw = rng.below(100)
            let identityProvider = idpDraw < 60 ? "AHA" : (idpDraw < 85 ? "SAML" : "GOOGLE")
            let group: (id: Int, name: String)?
            if paidSeat && rng.chance(0.4) {
                let g = rng.below(NameBank.seatGroups.count)
                group = (id: 4_210 + g * 17, name: NameBank.seatGroups[g])
            } else {
                group = nil
            }

            users.append(User(
                id: ids.id(i), name: name, email: email,
                createdAt: Timestamp.iso(millis: created), updatedAt: Timestamp.iso(millis: updated),
                accessedAt: neverLoggedIn ? nil : Timestamp.iso(millis: accessed),
                enabled: enabled, paidSeat: paidSeat, administrator: administrator,
                administerAccount: administrator, administerBilling: billing,
                administerConfiguration: configuration, productRoles: productRoles, userRoles: userRoles,
                identityProvider: identityProvider, paidSeatGroup: group))
        }
        return users
    }

    private enum TeamKind { case regular, empty, virtualOnly, single }

    /// With 3+ teams, team 1 is empty and team 2 holds only virtual members; with 4+,
    /// team 3 has exactly one member (the single-object `team_members` quirk). User 0
    /// is on every other team; other members are random (0-8 per team).
    private static func generateTeams(seed: UInt64, sizes: Sizes, users: [User], teamIDs: IdScrambler,
                                      memberIDs: IdScrambler, membershipIDs: IdScrambler,
                                      products: [Project], scheduleIDs: IdScrambler) -> [Team] {
        func kind(_ i: Int) -> TeamKind {
            guard sizes.teams >= 3 else { return .regular }
            switch i {
            case 1: return .empty
            case 2: return .virtualOnly
            case 3: return .single
            default: return .regular
            }
        }
        func realMember(_ index: Int) -> TeamMember {
            let u = users[index]
            return TeamMember(id: memberIDs.id(2 * index), name: u.name, email: u.email, userID: u.id, isVirtual: false)
        }

        var rng = StableHash.stream(seed, "aha.teams")
        var teams: [Team] = []
        var created: [Int64] = []
        var members: [[TeamMember]] = []
        for i in 0..<sizes.teams {
            let bank = NameBank.teamNames
            let name = bank[i % bank.count] + (i >= bank.count ? " \(i / bank.count + 1)" : "")
            let createdAt = Timestamp.random(&rng, fromDay: 100, toDay: 1500)
            let updatedAt = createdAt + Int64(rng.below(400 * 86_400_000))
            let project = rng.chance(0.5) ? products[rng.below(products.count)] : nil
            var customFields: [(key: String, name: String, value: String)] = []
            if rng.chance(0.4) {
                customFields.append((key: "location", name: "Location", value: rng.pick(["Berlin", "São Paulo", "東京", "Remote"])))
            }
            teams.append(Team(
                id: teamIDs.id(i), name: name, teamMembersCount: rng.between(1, 12),
                capacity: "\(rng.between(8, 80)).0", hourlyRate: "\(rng.between(40, 180)).\(rng.pick(["0", "5"]))",
                project: project, scheduleID: scheduleIDs.id(1000 + rng.below(3)), customFields: customFields,
                createdAt: Timestamp.iso(millis: createdAt), updatedAt: Timestamp.iso(millis: updatedAt),
                memberships: []))
            created.append(createdAt)

            var list: [TeamMember] = []
            switch kind(i) {
            case .empty, .virtualOnly:
                break
            case .single:
                if !users.isEmpty { list.append(realMember(0)) }
            case .regular:
                if !users.isEmpty { list.append(realMember(0)) }
                // Distinct random others by rejection: cheap even with 100,000 users.
                let pool = max(0, users.count - 1)
                let wanted = min(rng.between(0, 8), pool)
                var picked: [Int] = []
                while picked.count < wanted {
                    let candidate = 1 + rng.below(pool)
                    if !picked.contains(candidate) { picked.append(candidate) }
                }
                list += picked.map(realMember)
            }
            members.append(list)
        }

        // Virtual people: each has one team-member id and sits on 1-3 regular teams,
        // and (always for the first) on the virtual-only team.
        let regular = (0..<sizes.teams).filter { kind($0) == .regular }
        let virtualOnly = (0..<sizes.teams).first { kind($0) == .virtualOnly }
        for v in 0..<sizes.virtualUsers {
            var vrng = StableHash.stream(seed, "aha.virtual", v)
            let bank = NameBank.virtualNames
            let entry = bank[v % bank.count]
            let suffix = v >= bank.count ? " \(v / bank.count + 1)" : ""
            let email: String? = (v == 0 || vrng.chance(0.5)) ? nil : "\(entry.1)\(suffix.isEmpty ? "" : ".\(v)")@vendors.example.com"
            let person = TeamMember(id: memberIDs.id(2 * v + 1), name: entry.0 + suffix, email: email, userID: nil, isVirtual: true)
            var targets = regular
            vrng.shuffle(&targets)
            var chosen = Array(targets.prefix(regular.isEmpty ? 0 : vrng.between(1, min(3, regular.count))))
            if let virtualOnly, v == 0 || vrng.chance(0.5) { chosen.append(virtualOnly) }
            for t in chosen { members[t].append(person) }
        }

        var membershipCounter = 0
        for i in teams.indices {
            var list = members[i]
            var srng = StableHash.stream(seed, "aha.team.order", i)
            if kind(i) == .regular { srng.shuffle(&list) }
            teams[i].memberships = list.map { member in
                defer { membershipCounter += 1 }
                let at = created[i] + Int64(srng.below(200 * 86_400_000))
                return Membership(id: membershipIDs.id(membershipCounter), member: member, createdAt: Timestamp.iso(millis: at))
            }
        }
        return teams
    }

    /// `--drop-member`: removes the first non-virtual membership of the team with the
    /// lowest id that has one (ids have equal length, so string order is numeric order).
    private static func dropFirstRealMembership(_ teams: inout [Team]) {
        let order = teams.indices.sorted { TruthSnapshot.precedes(teams[$0].id, teams[$1].id) }
        for t in order {
            if let m = teams[t].memberships.firstIndex(where: { !$0.member.isVirtual }) {
                teams[t].memberships.remove(at: m)
                return
            }
        }
    }
}
