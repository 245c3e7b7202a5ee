/// One `--option` a command accepts: a flag, or an option that takes a value.
public struct OptionSpec: Hashable, Sendable {
    /// The name without dashes: `output` for `--output`.
    public var name: String
    /// The value's placeholder in help (`PATH`), or `nil` for a flag.
    public var valueName: String?
    /// One line of help.
    public var help: String

    /// An option that takes a value.
    public static func value(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help)
    }

    /// A flag without a value.
    public static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }

    /// `--output PATH` or `--json`.
    public var usage: String { valueName.map { "--\(name) \($0)" } ?? "--\(name)" }
}
