/// Metrics written in the Prometheus text exposition format, version 0.0.4, for `/metrics`.
///
/// Each family is written whole (`# HELP`, `# TYPE`, then its samples), so families never
/// interleave. Label values come from configuration and tenants, so `\`, `"` and newlines
/// in them are escaped; metric and label names are the program's own and must be valid.
public struct PrometheusText: Sendable {
    /// The kinds of metric connhost exposes.
    public enum MetricType: String, Sendable {
        /// Only goes up (restarts aside), e.g. runs so far.
        case counter
        /// Goes up and down, e.g. resources in the last snapshot.
        case gauge
    }

    /// The `Content-Type` of the format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// What has been written so far.
    public private(set) var text = ""
    private var families: Set<String> = []

    /// Creates an empty exposition.
    public init() {}

    /// Writes one metric family: its help text, its type and one sample per label set.
    ///
    /// `name` and the label names must match `[a-zA-Z_:][a-zA-Z0-9_:]*` and
    /// `[a-zA-Z_][a-zA-Z0-9_]*`, and a family is written once: both are the caller's
    /// constants, so a violation stops the program rather than corrupt the output.
    public mutating func family(_ name: String, _ type: MetricType, help: String,
                                samples: [(labels: [(String, String)], value: Double)]) {
        precondition(Self.isMetricName(name), "invalid metric name \(name)")
        precondition(families.insert(name).inserted, "metric family \(name) written twice")
        text += "# HELP \(name) \(Self.escape(help, quotes: false))\n# TYPE \(name) \(type.rawValue)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                let labels = sample.labels.map { label, value in
                    precondition(Self.isLabelName(label), "invalid label name \(label)")
                    return "\(label)=\"\(Self.escape(value, quotes: true))\""
                }
                text += "{" + labels.joined(separator: ",") + "}"
            }
            text += " " + Self.format(sample.value) + "\n"
        }
    }

    /// A sample value: whole numbers without a fraction, `+Inf`, `-Inf` and `NaN` as the
    /// format spells them, anything else in Swift's shortest round-tripping form.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `text` with `\` and newline escaped (and `"` too, for a label value).
    public static func escape(_ text: String, quotes: Bool) -> String {
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\"" where quotes: result += "\\\""
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    static func isMetricName(_ name: String) -> Bool {
        isName(name, extra: ":")
    }

    static func isLabelName(_ name: String) -> Bool {
        isName(name, extra: "") && !name.hasPrefix("__")
    }

    private static func isName(_ name: String, extra: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                || extra.unicodeScalars.contains($0)
        }
    }
}
