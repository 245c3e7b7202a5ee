/// Escaping for values a tenant controls, in the two places a report puts them: HTML
/// text or attributes, and JSON inside a `<script>` element.
///
/// Every name, id and profile value in a report comes from a SaaS tenant and may be
/// hostile (`<img src=x onerror=…>`, `</script><script>…`), so nothing reaches the page
/// without going through one of these.
public enum HTMLEscape {
    /// `text` safe as element content and as a double- or single-quoted attribute value:
    /// `&`, `<`, `>`, `"` and `'` become character references.
    public static func text(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` as a JSON string literal that can sit inside a `<script>` element: besides
    /// JSON's own escapes, `<`, `>`, `&`, U+2028 and U+2029 become `\uXXXX`, so no value
    /// can close the element (`</script>`), open a comment (`<!--`) or end a line.
    public static func scriptString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: output += [0x5C, 0x22]                 // \"
            case 0x5C: output += [0x5C, 0x5C]                 // \\
            case 0x0A: output += [0x5C, UInt8(ascii: "n")]
            case 0x0D: output += [0x5C, UInt8(ascii: "r")]
            case 0x09: output += [0x5C, UInt8(ascii: "t")]
            case 0x00..<0x20, 0x3C, 0x3E, 0x26, 0x2028, 0x2029, 0x7F:
                output += Array("\\u".utf8) + hex4(scalar.value)
            case 0x20..<0x80:
                output.append(UInt8(scalar.value))
            default:
                UTF8.encode(scalar) { output.append($0) }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// `text` as a script-safe JSON string literal (see `scriptString(_:into:)`).
    public static func scriptString(_ text: String) -> String {
        var bytes: [UInt8] = []
        scriptString(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex4(_ value: UInt32) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return [12, 8, 4, 0].map { digits[Int((value >> UInt32($0)) & 0xF)] }
    }
}
