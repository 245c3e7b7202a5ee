/// Hand-written, table-driven argument parsing: `--name value`, `--name=value`, flags,
/// positionals, and `--` to end options. Unknown options are errors with a suggestion.
public struct ParsedArguments: Equatable, Sendable {
    /// Arguments that are not options, in order.
    public var positionals: [String] = []
    /// Option values by name; a repeated option keeps its last value.
    public var values: [String: String] = [:]
    /// Flags that were given.
    public var flags: Set<String> = []

    /// Whether `--name` was given as a flag.
    public func has(_ name: String) -> Bool { flags.contains(name) }

    /// Parses `arguments` against `options`.
    ///
    /// With `lenient`, unknown options are kept in `values` instead of rejected (taking the
    /// next argument as their value unless it starts with `--`); a command whose options
    /// depend on a positional (the plugin's config fields) parses twice.
    public static func parse(_ arguments: [String], options: [OptionSpec], lenient: Bool = false) throws -> ParsedArguments {
        let byName = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var result = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                result.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "-h" {
                result.flags.insert("help")
                continue
            }
            guard argument.hasPrefix("--") else {
                throw HostError.usage("unknown option \(argument)")
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            let spec = byName[name]
            if spec == nil && !lenient {
                let suggestion = closest(to: name, in: options.map(\.name)).map { "; did you mean --\($0)?" } ?? ""
                throw HostError.usage("unknown option --\(name)\(suggestion)")
            }
            let takesValue = spec.map { $0.valueName != nil }
                ?? (inlineValue != nil || (index < arguments.count && !arguments[index].hasPrefix("--")))
            if !takesValue {
                guard inlineValue == nil else { throw HostError.usage("--\(name) takes no value") }
                result.flags.insert(name)
                continue
            }
            if let inlineValue {
                result.values[name] = inlineValue
            } else if index < arguments.count, arguments[index] == "-" || !arguments[index].hasPrefix("--") {
                result.values[name] = arguments[index]
                index += 1
            } else {
                throw HostError.usage("--\(name) needs a value (\(spec?.usage ?? "--\(name) VALUE"))")
            }
        }
        return result
    }

    /// The value of `--name` as a finite number in `range`, `nil` when not given, or a usage
    /// error that names the option, the range and the text (`inf`, `nan`, `1e18`, `-1`).
    public func bounded(_ name: String, in range: ClosedRange<Double>, unit: String = "") throws -> Double? {
        guard let text = values[name] else { return nil }
        return try Self.bounded(text, option: "--\(name)", in: range, unit: unit)
    }

    /// An integer option in `range`, `nil` when not given, or a usage error naming the range.
    public func bounded(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[name] else { return nil }
        return try Self.bounded(text, option: "--\(name)", in: range)
    }

    /// `text` as a finite number in `range`, or the usage error for `option`.
    public static func bounded(_ text: String, option: String, in range: ClosedRange<Double>, unit: String = "") throws -> Double {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, range.contains(value) else {
            let bounds = "\(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))\(unit.isEmpty ? "" : " " + unit)"
            throw HostError.usage("\(option) needs a number from \(bounds), not '\(text)'")
        }
        return value
    }

    /// `text` as a whole number in `range`, or the usage error for `option`.
    public static func bounded(_ text: String, option: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw HostError.usage("\(option) needs a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The candidate nearest to `word` by edit distance, if it is near enough to be a typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, word.count / 3) else { return nil }
        return best
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
