import ConnectorKit
import Foundation

/// What a reviewer acts on in one snapshot: privileged access, inactive people who still
/// hold grants, shared email addresses, grants to principals that were never listed, and
/// groups without members.
///
/// Each list comes in the snapshot's canonical order, so the same snapshot always gives
/// the same findings.
public struct AccessFindings {
    /// Someone holding admin-like access, through an entitlement or a profile flag.
    public struct PrivilegedHolder: Equatable, Sendable {
        /// Who holds it.
        public var principal: ResourceReference
        /// Their display name, when they were listed.
        public var name: String?
        /// The entitlement's display name, or `profile: administrator = true`.
        public var access: String
        /// The entitlement id; `nil` when the access comes from a profile flag.
        public var entitlementID: String?
    }

    /// A disabled, pending or otherwise inactive person who still holds grants.
    public struct InactiveHolder: Equatable, Sendable {
        /// The person.
        public var user: Resource
        /// Why they count as inactive, e.g. `status: disabled`.
        public var reason: String
        /// How many grants they hold.
        public var grants: Int
    }

    /// Several people listed with one email address (compared case-insensitively).
    public struct SharedEmail: Equatable, Sendable {
        /// The address, lower-cased.
        public var email: String
        /// The people, in canonical order.
        public var users: [Resource]
    }

    /// A principal that holds grants but was never listed as a resource.
    public struct UnlistedPrincipal: Equatable, Sendable {
        /// The principal.
        public var principal: ResourceReference
        /// The entitlements granted to it, by id.
        public var entitlements: [String]
    }

    /// Privileged holders, by entitlement then principal.
    public var privileged: [PrivilegedHolder] = []
    /// Inactive people with grants.
    public var inactiveHolders: [InactiveHolder] = []
    /// Email addresses shared by several people.
    public var sharedEmails: [SharedEmail] = []
    /// Grant holders that were never listed.
    public var unlistedPrincipals: [UnlistedPrincipal] = []
    /// Groups (teams) that nobody is granted membership of.
    public var emptyGroups: [Resource] = []

    /// Profile `status` values that mean the person cannot (or not yet) sign in.
    public static let inactiveStatuses: Set<String> = [
        "disabled", "pending", "suspended", "inactive", "deactivated", "locked", "invited", "deprovisioned",
        "archived", "blocked", "staged",
    ]
    /// Profile flags that, when `false`, mean the person is inactive.
    public static let activeFlags = ["enabled", "active"]
    /// Profile flags that, when `true`, mean the person is an administrator.
    public static let adminFlags = ["administrator", "admin", "is_admin", "superuser", "owner"]

    /// Finds everything in `index`'s snapshot.
    public init(_ index: SnapshotIndex) {
        let snapshot = index.snapshot
        let users = index.users

        let grantsByEntitlement = Dictionary(grouping: snapshot.grants, by: \.entitlement)
        for entitlement in snapshot.entitlements where Self.isPrivileged(entitlement) {
            for grant in grantsByEntitlement[entitlement.id] ?? [] {
                privileged.append(PrivilegedHolder(principal: grant.principal, name: index.name(of: grant.principal),
                                                   access: entitlement.displayName, entitlementID: entitlement.id))
            }
        }
        for user in users {
            for flag in Self.adminFlags where user.profile[flag]?.lowercased() == "true" {
                privileged.append(PrivilegedHolder(principal: user.reference, name: user.displayName,
                                                   access: "profile: \(flag) = true", entitlementID: nil))
            }
        }

        for user in users {
            guard let reason = Self.inactiveReason(user.profile) else { continue }
            let grants = index.grantsPerPrincipal[SnapshotIndex.key(user.reference)] ?? 0
            if grants > 0 { inactiveHolders.append(InactiveHolder(user: user, reason: reason, grants: grants)) }
        }

        var byEmail: [String: [Resource]] = [:]
        var emailOrder: [String] = []
        for user in users {
            guard let email = user.profile["email"]?.trimmingCharacters(in: .whitespaces).lowercased(), !email.isEmpty else { continue }
            if byEmail[email] == nil { emailOrder.append(email) }
            byEmail[email, default: []].append(user)
        }
        sharedEmails = emailOrder.compactMap { email in
            let holders = byEmail[email] ?? []
            return holders.count > 1 ? SharedEmail(email: email, users: holders) : nil
        }

        var unlisted: [String: UnlistedPrincipal] = [:]
        var unlistedOrder: [String] = []
        for grant in snapshot.grants where index.resources[SnapshotIndex.key(grant.principal)] == nil {
            let key = SnapshotIndex.key(grant.principal)
            if unlisted[key] == nil {
                unlistedOrder.append(key)
                unlisted[key] = UnlistedPrincipal(principal: grant.principal, entitlements: [])
            }
            unlisted[key]?.entitlements.append(grant.entitlement)
        }
        unlistedPrincipals = Snapshot.sorted(unlistedOrder.compactMap { unlisted[$0] }) { ($0.principal.type, $0.principal.id) }

        emptyGroups = snapshot.resources.filter {
            index.groupTypes.contains($0.type) && (index.grantsPerResource[SnapshotIndex.key($0.reference)] ?? 0) == 0
        }
    }

    /// Whether an entitlement looks admin-like: its slug or display name has a word
    /// starting with `admin`, or the word owner, root, superuser or sudo.
    public static func isPrivileged(_ entitlement: Entitlement) -> Bool {
        let words = (entitlement.slug + " " + entitlement.displayName).lowercased()
            .split { !$0.isLetter && !$0.isNumber }
        return words.contains { word in
            word.hasPrefix("admin") || ["owner", "owners", "root", "superuser", "superadmin", "sudo"].contains(String(word))
        }
    }

    /// Why a profile marks its person inactive (`status: disabled`, `enabled: false`), or `nil`.
    public static func inactiveReason(_ profile: [String: String]) -> String? {
        if let status = profile["status"], inactiveStatuses.contains(status.trimmingCharacters(in: .whitespaces).lowercased()) {
            return "status: \(status)"
        }
        for flag in activeFlags where profile[flag]?.lowercased() == "false" {
            return "\(flag): false"
        }
        return nil
    }
}
