/// Something a plugin returned that breaks a rule, found by ``RecordChecker``.
struct RecordProblem: Equatable, CustomStringConvertible {
    /// The rule broken, as `check-plugin` reports it.
    var rule: ConformanceRule
    /// What is wrong, naming the record.
    var message: String

    init(_ rule: ConformanceRule, _ message: String) {
        self.rule = rule
        self.message = message
    }

    var description: String { message }
}
