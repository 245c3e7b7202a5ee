/// One rule of `connhost check-plugin`, in the order the rules are reported.
///
/// The raw value is the rule's name on the report line and in `--json`; append new rules
/// where they run, and never rename one (scripts match on the names).
public enum ConformanceRule: String, CaseIterable, Codable, Sendable {
    /// `connhost_plugin_abi_version` exists and equals the host's ABI version.
    case abiVersion = "abi-version"
    /// The entry point returns a connector on the shared ConnectorKit.
    case loads
    /// Name, version and summary are present and well formed.
    case metadata
    /// Resource types are declared, with unique ids and display names.
    case resourceTypes = "resource-types"
    /// Config fields have unique names, env names and help text.
    case configFields = "config-fields"
    /// The connector makes a session from the configuration or its self-test data.
    case session
    /// One syncer per declared resource type, and none for an undeclared one.
    case syncers
    /// Every list, entitlements and grants call returns without an error.
    case sync
    /// Ids are non-empty and unique within their type.
    case ids
    /// Every entitlement belongs to the resource it was listed for.
    case entitlements
    /// Every grant's entitlement and principal exist.
    case grants
    /// Every listing ends: no token repeats, and no listing exceeds the page bound.
    case pageTokens = "page-tokens"
    /// No record contains the value of a secret config field.
    case secrets
    /// A listing restarted from a saved page token gives the same page each time (resume).
    case resumableTokens = "resume-tokens"

    /// What the rule demands, for `--help` and the guide.
    public var summary: String {
        switch self {
        case .abiVersion: return "the plugin speaks the host's ConnectorKit ABI version"
        case .loads: return "it loads as the host loads it: entry point, shared ConnectorKit, factory"
        case .metadata: return "it names itself: lower-case name, version, summary"
        case .resourceTypes: return "it declares resource types with unique ids and display names"
        case .configFields: return "its config fields have unique names, env names and help text"
        case .session: return "it makes a session from the configuration (or its self-test data)"
        case .syncers: return "one syncer per declared resource type, none for undeclared types"
        case .sync: return "every list, entitlements and grants call succeeds"
        case .ids: return "ids are non-empty and unique per type; resources have their syncer's type"
        case .entitlements: return "every entitlement belongs to the resource it was listed for"
        case .grants: return "every grant's entitlement and principal exist"
        case .pageTokens: return "page tokens terminate: none repeats, no listing exceeds the page bound"
        case .secrets: return "no secret config value appears in any record"
        case .resumableTokens: return "a listing restarted from a saved page token returns the same page each time"
        }
    }
}
