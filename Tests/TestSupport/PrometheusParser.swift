import Foundation

/// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's
/// description (not from connhost's writer) so tests can check `/metrics` output.
///
/// It refuses what a lenient scraper might let through: a missing final newline, escapes
/// other than `\\`, `\"` and `\n`, invalid names, a `# TYPE` after its samples or twice,
/// a family whose samples are split by another's, a sample name that does not belong to
/// its family's type, and the same series twice.
public enum PrometheusParser {
    /// One sample line.
    public struct Sample: Equatable, Sendable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
        public var timestamp: Int64?

        /// `value`, equal for two NaNs as well.
        public func sameValue(_ other: Double) -> Bool { value == other || (value.isNaN && other.isNaN) }
    }

    /// One metric family: its name, type, help and samples, in order.
    public struct Family: Sendable {
        public var name: String
        public var type: String = "untyped"
        public var help: String?
        public var samples: [Sample] = []
        var typeSeen = false
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The families of `text`, in order of first appearance.
    public static func parse(_ text: String) throws -> [Family] {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Failure(description: "the last line does not end with a newline") }
        var families: [Family] = []
        var index: [String: Int] = [:]
        var closed: Set<String> = []
        var current: String?
        var series: Set<String> = []

        func family(_ name: String, line: Int) throws -> Int {
            if current != name {
                if let current { closed.insert(current) }
                guard !closed.contains(name) else { throw Failure(description: "line \(line): family \(name) appears again after another family") }
                current = name
            }
            if let i = index[name] { return i }
            families.append(Family(name: name))
            index[name] = families.count - 1
            return families.count - 1
        }

        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = n + 1
            let line = String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard words.count >= 3, words[0] == "#", words[1] == "HELP" || words[1] == "TYPE" else { continue }
                let name = words[2]
                guard isMetricName(name) else { throw Failure(description: "line \(number): invalid metric name '\(name)'") }
                let i = try family(name, line: number)
                let rest = words.count > 3 ? words[3] : ""
                if words[1] == "HELP" {
                    guard families[i].help == nil else { throw Failure(description: "line \(number): second HELP for \(name)") }
                    families[i].help = try unescape(rest, quotes: false, line: number)
                } else {
                    guard families[i].type == "untyped", families[i].samples.isEmpty, !families[i].typeSeen else {
                        throw Failure(description: "line \(number): TYPE for \(name) after its samples or twice")
                    }
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(rest) else {
                        throw Failure(description: "line \(number): unknown type '\(rest)'")
                    }
                    families[i].type = rest
                    families[i].typeSeen = true
                }
                continue
            }
            let sample = try parseSample(line, line: number)
            let owner = familyName(of: sample.name, known: index, types: families.map(\.type))
            let i = try family(owner, line: number)
            let key = sample.name + "{" + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}"
            guard series.insert(key).inserted else { throw Failure(description: "line \(number): series \(key) appears twice") }
            families[i].samples.append(sample)
        }
        return families
    }

    /// The family a sample belongs to: `x_bucket`, `x_sum` and `x_count` belong to a
    /// histogram or summary `x`; anything else to the family of its own name.
    private static func familyName(of name: String, known: [String: Int], types: [String]) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let i = known[base], ["histogram", "summary"].contains(types[i]) { return base }
        }
        return name
    }

    private static func parseSample(_ line: String, line number: Int) throws -> Sample {
        let scalars = Array(line.unicodeScalars)
        var i = 0
        func fail(_ why: String) -> Failure { Failure(description: "line \(number): \(why): \(line)") }
        var name = ""
        while i < scalars.count, scalars[i] != "{", scalars[i] != " " { name.unicodeScalars.append(scalars[i]); i += 1 }
        guard isMetricName(name) else { throw fail("invalid metric name '\(name)'") }
        var labels: [String: String] = [:]
        if i < scalars.count, scalars[i] == "{" {
            i += 1
            while i < scalars.count, scalars[i] != "}" {
                var label = ""
                while i < scalars.count, scalars[i] != "=" { label.unicodeScalars.append(scalars[i]); i += 1 }
                guard isLabelName(label) else { throw fail("invalid label name '\(label)'") }
                guard i + 1 < scalars.count, scalars[i] == "=", scalars[i + 1] == "\"" else { throw fail("expected =\" after \(label)") }
                i += 2
                var value = ""
                while true {
                    guard i < scalars.count else { throw fail("unterminated label value") }
                    let c = scalars[i]
                    if c == "\"" { i += 1; break }
                    if c == "\\" {
                        guard i + 1 < scalars.count else { throw fail("unterminated escape") }
                        switch scalars[i + 1] {
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        case "n": value += "\n"
                        default: throw fail("invalid escape \\\(scalars[i + 1])")
                        }
                        i += 2
                        continue
                    }
                    value.unicodeScalars.append(c)
                    i += 1
                }
                guard labels.updateValue(value, forKey: label) == nil else { throw fail("label \(label) twice") }
                if i < scalars.count, scalars[i] == "," { i += 1; guard i < scalars.count, scalars[i] != "}" else { throw fail("trailing comma") } }
                else if i < scalars.count, scalars[i] != "}" { throw fail("expected , or } after a label") }
            }
            guard i < scalars.count else { throw fail("unterminated label set") }
            i += 1
        }
        guard i < scalars.count, scalars[i] == " " else { throw fail("expected a space before the value") }
        let fields = String(String.UnicodeScalarView(scalars[(i + 1)...])).split(separator: " ", omittingEmptySubsequences: false)
        guard (1...2).contains(fields.count), let value = parseValue(String(fields[0])) else { throw fail("invalid value") }
        var timestamp: Int64?
        if fields.count == 2 {
            guard let t = Int64(fields[1]) else { throw fail("invalid timestamp") }
            timestamp = t
        }
        return Sample(name: name, labels: labels, value: value, timestamp: timestamp)
    }

    /// A float as Go's `strconv.ParseFloat` reads it (what Prometheus uses).
    static func parseValue(_ text: String) -> Double? {
        switch text.lowercased() {
        case "+inf", "inf", "+infinity", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        let allowed = Set("0123456789+-.eE")
        guard !text.isEmpty, text.allSatisfy(allowed.contains), let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func unescape(_ text: String, quotes: Bool, line: Int) throws -> String {
        var result = ""
        var escaping = false
        for c in text.unicodeScalars {
            if escaping {
                switch c {
                case "\\": result += "\\"
                case "n": result += "\n"
                case "\"" where quotes: result += "\""
                default: throw Failure(description: "line \(line): invalid escape \\\(c)")
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                result.unicodeScalars.append(c)
            }
        }
        guard !escaping else { throw Failure(description: "line \(line): unterminated escape") }
        return result
    }

    static func isMetricName(_ name: String) -> Bool {
        name.range(of: "^[a-zA-Z_:][a-zA-Z0-9_:]*$", options: .regularExpression) != nil
    }

    static func isLabelName(_ name: String) -> Bool {
        name.range(of: "^[a-zA-Z_][a-zA-Z0-9_]*$", options: .regularExpression) != nil && !name.hasPrefix("__")
    }
}
