import ConnectorHost

/// A strict RFC 4180 reader for the export tests: CRLF between records (and after the
/// last), quotes only around whole fields with `""` inside, no bare CR or LF outside
/// quotes, and every record as wide as the header. Anything else throws.
enum StrictCSV {
    /// The header and the records of `text`, or an error naming the first violation.
    static func parse(_ text: String) throws -> (header: [String], rows: [[String]]) {
        let scalars = Array(text.unicodeScalars)
        var records: [[String]] = [], record: [String] = [], field = ""
        var index = 0, line = 1
        func fail(_ why: String) -> HostError { HostError.failed("CSV line \(line): \(why)") }
        guard !scalars.isEmpty else { throw fail("empty file (no header)") }
        while index < scalars.count {
            if scalars[index] == "\"" {
                index += 1
                while true {
                    guard index < scalars.count else { throw fail("unterminated quoted field") }
                    let scalar = scalars[index]
                    if scalar == "\"" {
                        if index + 1 < scalars.count, scalars[index + 1] == "\"" { field.unicodeScalars.append("\""); index += 2; continue }
                        index += 1
                        break
                    }
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                    index += 1
                }
            } else {
                while index < scalars.count, scalars[index] != ",", scalars[index] != "\r" {
                    if scalars[index] == "\"" { throw fail("quote inside an unquoted field") }
                    if scalars[index] == "\n" { throw fail("bare LF outside quotes") }
                    field.unicodeScalars.append(scalars[index])
                    index += 1
                }
            }
            guard index < scalars.count else { throw fail("the last record does not end with CRLF") }
            if scalars[index] == "," {
                record.append(field); field = ""; index += 1
            } else if scalars[index] == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                record.append(field); field = ""; index += 2
                records.append(record); record = []; line += 1
            } else {
                throw fail("expected a comma or CRLF after a field, found U+\(String(scalars[index].value, radix: 16))")
            }
        }
        let header = records.removeFirst()
        for (number, row) in records.enumerated() where row.count != header.count {
            throw HostError.failed("CSV record \(number + 1) has \(row.count) fields, the header \(header.count)")
        }
        return (header, records)
    }

    /// A cell's value as written before formula neutralising: one leading `'` removed
    /// when the next character is one that gets the prefix.
    static func value(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let next = cell.dropFirst().unicodeScalars.first,
              ["=", "+", "-", "@", "\t", "\r", "'"].contains(next) else { return cell }
        return String(cell.dropFirst())
    }
}
