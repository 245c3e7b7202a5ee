import ConnectorKit
import Foundation

/// The rules a plugin's metadata must meet before any configuration: what `list-plugins`,
/// `--help` and the config resolver rely on.
///
/// Each function returns the problems found, empty when the rule holds.
enum SelfDescriptionRules {
    /// Name, version and summary.
    static func metadata(_ metadata: ConnectorMetadata) -> [String] {
        var problems: [String] = []
        if metadata.name != metadata.name.lowercased() {
            problems.append("name '\(metadata.name)' is not lower case (users type it: connhost sync <name>)")
        }
        if metadata.version.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("version is empty")
        } else if metadata.version.contains(" ") {
            problems.append("version '\(metadata.version)' contains a space")
        }
        if metadata.summary.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("summary is empty")
        }
        return problems
    }

    /// Declared resource types: at least one, unique ids usable inside entitlement and
    /// grant ids (no `:`), display names.
    static func resourceTypes(_ metadata: ConnectorMetadata) -> [String] {
        guard !metadata.resourceTypes.isEmpty else { return ["no resource types are declared"] }
        var problems: [String] = []
        var seen = Set<String>()
        for type in metadata.resourceTypes {
            if type.id.isEmpty {
                problems.append("a resource type has an empty id")
                continue
            }
            if !seen.insert(type.id).inserted { problems.append("resource type '\(type.id)' is declared twice") }
            if type.id.contains(":") || type.id.contains(" ") {
                problems.append("resource type id '\(type.id)' contains ':' or a space (it is part of entitlement and grant ids)")
            }
            if type.displayName.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("resource type '\(type.id)' has no display name")
            }
        }
        return problems
    }

    /// Config fields: kebab-case names that do not shadow a host option, environment
    /// variable names, help text, and no default for a secret.
    static func configFields(_ metadata: ConnectorMetadata, reservedFlags: Set<String>) -> [String] {
        var problems: [String] = []
        var names = Set<String>(), envs = Set<String>()
        for field in metadata.configFields {
            let label = field.name.isEmpty ? "a config field" : "config field '\(field.name)'"
            if field.name.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) == nil {
                problems.append("\(label) is not a kebab-case name such as base-url")
            } else if !names.insert(field.name).inserted {
                problems.append("\(label) is declared twice")
            } else if reservedFlags.contains(field.name) {
                problems.append("\(label) shadows the host's own --\(field.name)")
            }
            if field.env.isEmpty {
                problems.append("\(label) has no env name")
            } else if field.env.range(of: #"^[A-Z_][A-Z0-9_]*$"#, options: .regularExpression) == nil {
                problems.append("\(label) has env name '\(field.env)', not UPPER_SNAKE_CASE")
            } else if !envs.insert(field.env).inserted {
                problems.append("\(label) reuses env name \(field.env)")
            }
            if field.help.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("\(label) has no help text")
            }
            if field.secret && field.defaultValue != nil {
                problems.append("\(label) is secret but has a default value")
            }
        }
        return problems
    }
}
