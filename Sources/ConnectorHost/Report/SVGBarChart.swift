/// A horizontal bar chart as inline SVG: one labelled bar per value, scaled to the
/// largest, with the value at the end of each bar.
///
/// Labels come from the tenant and are escaped; the chart has a `<title>` and a text
/// alternative so it reads without the picture too.
public struct SVGBarChart {
    /// One bar.
    public struct Bar: Equatable, Sendable {
        /// The label left of the bar.
        public var label: String
        /// The bar's length, in the chart's unit.
        public var value: Int

        /// Creates a bar.
        public init(label: String, value: Int) {
            self.label = label
            self.value = value
        }
    }

    /// What the chart shows, e.g. `Largest teams by members`.
    public var title: String
    /// The bars, top to bottom.
    public var bars: [Bar]

    /// Width of the label column and of the whole picture, in SVG units (CSS pixels).
    static let labelWidth = 230, width = 720, barHeight = 22, gap = 6
    /// Longest label, in characters, before it is cut with an ellipsis.
    static let labelLength = 32

    /// Creates a chart.
    public init(title: String, bars: [Bar]) {
        self.title = title
        self.bars = bars
    }

    /// The `<svg>` element.
    public var svg: String {
        let plot = Self.width - Self.labelWidth - 70
        let largest = max(1, bars.map(\.value).max() ?? 1)
        let height = max(1, bars.count) * (Self.barHeight + Self.gap) + Self.gap
        var text = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(Self.width) \(height)\" width=\"\(Self.width)\" height=\"\(height)\""
            + "><title>\(HTMLEscape.text(title))</title>"
        for (row, bar) in bars.enumerated() {
            let y = Self.gap + row * (Self.barHeight + Self.gap)
            let length = bar.value == 0 ? 0 : max(2, bar.value * plot / largest)
            let label = bar.label.count > Self.labelLength ? String(bar.label.prefix(Self.labelLength - 1)) + "…" : bar.label
            let middle = y + Self.barHeight / 2 + 5
            text += "<text x=\"\(Self.labelWidth - 8)\" y=\"\(middle)\" text-anchor=\"end\">\(HTMLEscape.text(label))</text>"
            text += "<rect x=\"\(Self.labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"\(Self.barHeight)\" rx=\"3\"/>"
            text += "<text class=\"value\" x=\"\(Self.labelWidth + length + 6)\" y=\"\(middle)\">\(bar.value)</text>"
        }
        return text + "</svg>"
    }
}
