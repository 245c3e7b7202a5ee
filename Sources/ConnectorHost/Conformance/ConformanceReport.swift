/// The outcome of `connhost check-plugin`: one result per ``ConformanceRule``.
public struct ConformanceReport: Encodable, Sendable {
    /// How one rule came out.
    public enum Status: String, Encodable, Sendable {
        /// The rule holds.
        case pass
        /// The rule is broken; the detail says where.
        case fail
        /// The rule could not be checked because an earlier one failed.
        case skip
    }

    /// One rule's line of the report.
    public struct RuleResult: Encodable, Sendable {
        /// The rule.
        public var rule: ConformanceRule
        /// Pass, fail or skip.
        public var status: Status
        /// What was checked, or what is wrong (never a secret).
        public var detail: String
    }

    /// The `.so` that was checked.
    public var path: String
    /// The plugin's name, once it loaded.
    public var name: String?
    /// The plugin's version, once it loaded.
    public var version: String?
    /// `live` or `self-test`: where the records came from; `nil` when none were read.
    public var data: String?
    /// Every rule's result, in ``ConformanceRule`` order.
    public var results: [RuleResult] = []

    /// Whether every rule passed (a skipped rule does not).
    public var passed: Bool { !results.isEmpty && results.allSatisfy { $0.status == .pass } }

    /// The results that failed.
    public var failures: [RuleResult] { results.filter { $0.status == .fail } }

    enum CodingKeys: String, CodingKey {
        case path, name, version, data, passed, results
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encodeIfPresent(data, forKey: .data)
        try container.encode(passed, forKey: .passed)
        try container.encode(results, forKey: .results)
    }
}

extension ConformanceReport {
    /// Adds `rule` as passed with `detail` when `problems` is empty, else as failed with
    /// the first few problems.
    mutating func add(_ rule: ConformanceRule, _ problems: [String], passed detail: @autoclosure () -> String) {
        if problems.isEmpty {
            results.append(.init(rule: rule, status: .pass, detail: detail()))
        } else {
            var list = ProblemList()
            list.append(contentsOf: problems)
            results.append(.init(rule: rule, status: .fail, detail: list.summary))
        }
    }

    /// The report with every rule not yet reported skipped for `reason`.
    func skippingTheRest(_ reason: String) -> ConformanceReport {
        var report = self
        let done = Set(results.map(\.rule))
        for rule in ConformanceRule.allCases where !done.contains(rule) {
            report.results.append(.init(rule: rule, status: .skip, detail: reason))
        }
        return report
    }
}
