/// The generated Codefresh tenant: the API key's user, its accounts, and the users of
/// the active account. The awkward cases the connector must handle are pinned to the
/// first user indexes (so even small tenants have them) and sprinkled randomly after.
struct CodefreshDataset: Sendable {
    struct Account: Sendable {
        var name: String
        var id: String
        var admins: [String]
        var createdAt: String
    }

    struct Personal: Sendable {
        var firstName: String?
        var lastName: String?
        var companyName: String?
    }

    struct User: Sendable {
        var id: String
        var userName: String
        var email: String?
        var roles: [String]
        var status: String?
        var personal: Personal?
        var registerDate: String
    }

    /// The user that `GET /api/user` describes (also user 0 of the active account).
    var me: User
    var accounts: [Account]
    /// The account whose users `/api/accounts/{id}/users` serves; the second entry when
    /// there are two or more accounts, so "take the first account" is wrong.
    var activeIndex: Int?
    var activeAccountName: String
    var users: [User]
    /// Whether `activeAccountName` names an account of the list.
    var hasActiveAccount: Bool

    static func generate(seed: UInt64, users count: Int, accounts accountCount: Int, noActiveAccount: Bool) -> CodefreshDataset {
        let generated = (0..<max(1, count)).map { user(seed: seed, index: $0) }
        let me = generated[0]
        var users = Array(generated.prefix(count))

        var activeAdmins: [String] = []
        for (i, u) in users.enumerated() {
            let isAdminRole = u.roles.contains("Admin")
            var rng = StableHash.stream(seed, "cf.admins", i)
            // Admins listed on the account: user 0 and 6 (Admin role), user 5 (only
            // listed, roles lack Admin); at random half of the other Admin-role users and
            // a few plain users. User 3 (["Admin"]) is deliberately not listed.
            let listed: Bool
            switch i {
            case 0, 5, 6: listed = true
            case 1, 2, 3, 4, 7: listed = false
            default: listed = isAdminRole ? rng.chance(0.5) : rng.chance(0.05)
            }
            if listed { activeAdmins.append(u.id) }
        }
        // A stale admin id that is no longer among the users: it must yield no grant.
        activeAdmins.append(objectID(seed: seed, kind: "cf.stale", index: 0, seconds: 1_600_000_000))

        var rng = StableHash.stream(seed, "cf.accounts")
        let activeIndex: Int? = accountCount == 0 ? nil : (accountCount >= 2 ? 1 : 0)
        var accounts: [Account] = []
        for i in 0..<accountCount {
            let bank = NameBank.accountNames
            let name = i < bank.count ? bank[i] : "account-\(i + 1)"
            let created = Timestamp.random(&rng, fromDay: 0, toDay: 1500)
            let seconds = Int(created / 1000)
            var admins: [String]
            if i == activeIndex {
                admins = activeAdmins
            } else {
                admins = [me.id]
                for k in 0..<rng.below(3) {
                    admins.append(objectID(seed: seed, kind: "cf.other.admin", index: i * 16 + k, seconds: seconds))
                }
            }
            accounts.append(Account(name: name, id: objectID(seed: seed, kind: "cf.account", index: i, seconds: seconds),
                                    admins: admins, createdAt: Timestamp.iso(millis: created)))
        }
        let hasActive = !noActiveAccount && activeIndex != nil
        let activeName = hasActive ? accounts[activeIndex!].name : "deleted-account"
        if count == 0 { users = [] }
        return CodefreshDataset(me: me, accounts: accounts, activeIndex: activeIndex, activeAccountName: activeName,
                                users: users, hasActiveAccount: hasActive)
    }

    /// User `index`, from its own seeded stream.
    private static func user(seed: UInt64, index i: Int) -> User {
        var rng = StableHash.stream(seed, "cf.user", i)
        let first: (String, String)
        let last: (String, String)
        switch i {
        case 0: (first, last) = (("Renée", "renee"), ("Lefèvre", "lefevre"))
        case 1: (first, last) = (("Zoë", "zoe"), ("Ångström", "angstrom"))
        case 4: (first, last) = (("李", "li"), ("雷", "lei"))
        default: (first, last) = (rng.pick(NameBank.firstNames), rng.pick(NameBank.lastNames))
        }
        let userName = i == 0 ? "renee" : "\(first.1).\(last.1)\(i)"

        let roles: [String]
        switch i {
        case 0, 6: roles = ["Admin", "User"]
        case 1, 5, 7: roles = ["User"]
        case 2: roles = []
        case 3: roles = ["Admin"]
        case 4: roles = ["Auditor"]
        default:
            let d = rng.below(100)
            roles = d < 62 ? ["User"] : d < 76 ? ["Admin", "User"] : d < 84 ? [] : d < 89 ? ["Admin"] : d < 94 ? ["Auditor"] : ["User", "Auditor"]
        }

        let email: String? = (i == 2 || (i > 7 && rng.chance(0.1))) ? nil : "\(userName)@\(rng.pick(["example.com", "corp.example", "acme.test"]))"

        let status: String?
        switch i {
        case 3: status = "pending"
        case 7: status = nil
        case 0...7: status = "active"
        default:
            let d = rng.below(100)
            status = d < 85 ? "active" : d < 97 ? "pending" : nil
        }

        let personal: Personal?
        switch i {
        case 2: personal = nil
        case 4: personal = Personal(firstName: first.0, lastName: nil, companyName: nil)
        case 6: personal = Personal(firstName: "", lastName: "", companyName: nil)
        case 0...7: personal = Personal(firstName: first.0, lastName: last.0, companyName: rng.pick(NameBank.companies))
        default:
            let d = rng.below(100)
            if d < 15 {
                personal = nil
            } else if d < 20 {
                personal = Personal(firstName: first.0, lastName: nil, companyName: nil)
            } else {
                personal = Personal(firstName: first.0, lastName: last.0,
                                    companyName: rng.chance(0.3) ? rng.pick(NameBank.companies) : nil)
            }
        }

        let registered = Timestamp.random(&rng, fromDay: 0, toDay: 2200)
        return User(id: objectID(seed: seed, kind: "cf.user", index: i, seconds: Int(registered / 1000)),
                    userName: userName, email: email, roles: roles, status: status, personal: personal,
                    registerDate: Timestamp.iso(millis: registered))
    }

    /// A MongoDB-style ObjectId: 4 bytes of creation time, 5 seeded bytes, a 3-byte
    /// counter; distinct per (kind, index) and 24 lower-case hex characters.
    static func objectID(seed: UInt64, kind: String, index: Int, seconds: Int) -> String {
        let middle = StableHash.combine(seed, StableHash.string(kind)) & 0xFF_FFFF_FFFF
        let counter = (UInt64(index) &+ (StableHash.combine(seed, StableHash.string(kind), 7) & 0x7F_FFFF)) & 0xFF_FFFF
        return hex(UInt64(UInt32(truncatingIfNeeded: seconds)), digits: 8) + hex(middle, digits: 10) + hex(counter, digits: 6)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
