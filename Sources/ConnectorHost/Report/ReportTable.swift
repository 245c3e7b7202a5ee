/// One table of a report: the first page of rows as HTML, every row as a JSON data
/// island that the page's script pages, filters and sorts.
///
/// Server-rendering only the first page keeps a 100,000-row table cheap for the browser
/// while the page still reads without JavaScript (the note under the table says how
/// many rows there are and that `connhost export` writes them all).
public struct ReportTable {
    /// One column: its heading, and whether its cells are numbers (right-aligned,
    /// sorted numerically).
    public struct Column: Equatable, Sendable {
        /// The heading.
        public var title: String
        /// Whether the cells are numbers.
        public var numeric: Bool

        /// Creates a column.
        public init(_ title: String, numeric: Bool = false) {
            self.title = title
            self.numeric = numeric
        }
    }

    /// Rows rendered into the HTML, and shown per page by the script.
    public static let pageSize = 50

    /// The element id, unique in the page (the data island is `<id>-rows`).
    public var id: String
    /// The columns.
    public var columns: [Column]
    /// The cells, one array per row, as many as there are columns.
    public var rows: [[String]]

    /// Creates a table.
    public init(id: String, columns: [Column], rows: [[String]]) {
        self.id = id
        self.columns = columns
        self.rows = rows
    }

    /// Appends the table, its note and its data island to `html`.
    public func render(into html: inout [UInt8]) {
        guard !rows.isEmpty else {
            html += Array("<p class=\"empty\">None.</p>\n".utf8)
            return
        }
        let numeric = columns.indices.filter { columns[$0].numeric }.map(String.init).joined(separator: ",")
        var text = "<div class=\"table\"><table id=\"\(id)\" data-rows=\"\(id)-rows\" data-numeric=\"\(numeric)\"><thead><tr>"
        for column in columns {
            text += "<th scope=\"col\"\(column.numeric ? " class=\"num\"" : "")>\(HTMLEscape.text(column.title))</th>"
        }
        text += "</tr></thead><tbody>"
        for row in rows.prefix(Self.pageSize) {
            text += "<tr>"
            for (index, cell) in row.enumerated() {
                text += columns[index].numeric ? "<td class=\"num\">" : "<td>"
                text += HTMLEscape.text(cell) + "</td>"
            }
            text += "</tr>"
        }
        text += "</tbody></table></div>\n"
        let shown = min(rows.count, Self.pageSize)
        text += "<p class=\"status\" data-status=\"\(id)\">Rows 1–\(shown) of \(rows.count)."
        if rows.count > shown { text += " The other rows need JavaScript, or use <code>connhost export</code>." }
        text += "</p>\n<script type=\"application/json\" id=\"\(id)-rows\">"
        html += Array(text.utf8)
        html.append(UInt8(ascii: "["))
        for (number, row) in rows.enumerated() {
            if number > 0 { html.append(UInt8(ascii: ",")) }
            html.append(UInt8(ascii: "["))
            for (index, cell) in row.enumerated() {
                if index > 0 { html.append(UInt8(ascii: ",")) }
                HTMLEscape.scriptString(cell, into: &html)
            }
            html.append(UInt8(ascii: "]"))
        }
        html += Array("]</script>\n".utf8)
    }
}
