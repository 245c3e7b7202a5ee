import ConnectorHost
import Foundation

/// What a command runs with: environment, own path, and output helpers.
struct Invocation {
    /// The process environment.
    var environment: [String: String]
    /// This executable, resolved (used to start workers and find FakeSaaS).
    var executablePath: String

    /// The executable's directory: the last place plugins are searched.
    var executableDirectory: String { (executablePath as NSString).deletingLastPathComponent }

    static func current() -> Invocation {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return Invocation(environment: ProcessInfo.processInfo.environment, executablePath: path)
    }

    /// Prints to stdout.
    func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Prints to stderr with the `connhost:` prefix.
    func err(_ text: String) {
        FileHandle.standardError.write(Data("connhost: \(text)\n".utf8))
    }

    /// Prints `value` as pretty JSON on stdout.
    func outJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        out(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Two aligned columns.
    static func table(_ rows: [(String, String)], indent: String = "  ") -> String {
        let width = min(34, rows.map(\.0.count).max() ?? 0)
        return rows.map { left, right in
            let pad = String(repeating: " ", count: max(0, width - left.count))
            return indent + left + pad + "  " + right
        }.joined(separator: "\n") + "\n"
    }

    /// A table with a header row and columns padded to fit.
    static func grid(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
