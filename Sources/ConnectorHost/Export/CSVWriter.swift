/// RFC 4180 CSV text that a spreadsheet cannot run: fields quoted when they hold a comma,
/// quote, CR or LF, records ended by CRLF, and cells that a spreadsheet would read as a
/// formula prefixed with `'`.
///
/// A cell starting with `=`, `+`, `-`, `@`, tab or carriage return is a formula (or
/// becomes one) in Excel, LibreOffice and Google Sheets, so a tenant's user named
/// `=cmd|' /C calc'!A0` would run. The `'` prefix makes it text, and spreadsheets hide it.
/// A cell that already starts with `'` is prefixed too, so that stripping one leading `'`
/// always gives the original value back.
public struct CSVWriter {
    /// The record separator RFC 4180 prescribes.
    public static let lineEnd = "\r\n"
    /// First characters that make a spreadsheet cell a formula, plus `'` itself.
    public static let formulaTriggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "'"]

    /// The text written so far.
    public private(set) var text = ""

    /// Creates a writer whose first record is `header`.
    public init(header: [String]) {
        append(header)
    }

    /// Appends one record.
    public mutating func append(_ fields: [String]) {
        text += fields.map(Self.field).joined(separator: ",") + Self.lineEnd
    }

    /// One field: neutralised against formulas, then quoted when needed.
    public static func field(_ value: String) -> String {
        let cell = value.unicodeScalars.first.map { formulaTriggers.contains(Character($0)) } == true ? "'" + value : value
        let needsQuotes = cell.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        return needsQuotes ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }
}
