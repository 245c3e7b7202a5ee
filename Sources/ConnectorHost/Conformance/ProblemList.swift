/// How many problems one rule found, and the first few of them.
struct ProblemList {
    /// Examples kept for the report line.
    static let examples = 3

    private(set) var count = 0
    private(set) var first: [String] = []

    mutating func append(_ problem: String) {
        count += 1
        if first.count < Self.examples && !first.contains(problem) { first.append(problem) }
    }

    mutating func append(contentsOf problems: [String]) {
        for problem in problems { append(problem) }
    }

    /// The examples on one line, with how many more there were.
    var summary: String {
        let more = count - first.count
        return first.joined(separator: "; ") + (more > 0 ? " (and \(more) more)" : "")
    }
}
