import Foundation

/// A new plugin's name as the author types it (`AcmeHR`), and every name derived from it.
///
/// The name must be an UpperCamelCase Swift identifier, because it prefixes the
/// generated types (`AcmeHRConnector`, `AcmeHRUserSyncer`) and names the product
/// (`libAcmeHRConnector.so`).
public struct PluginName: Hashable, Sendable {
    /// The name as typed: `AcmeHR`.
    public let typeName: String
    /// Its words: `["Acme", "HR"]`; a run of capitals is one word.
    public let words: [String]

    /// Validates `text` as a plugin name.
    /// - Throws: ``HostError/usage(_:)`` saying what a valid name looks like.
    public init(_ text: String) throws {
        let reason = "use an UpperCamelCase Swift identifier such as Acme or AcmeHR"
        guard text.range(of: #"^[A-Z][A-Za-z0-9]*$"#, options: .regularExpression) != nil else {
            throw HostError.usage("'\(text)' is not a valid plugin name: \(reason)")
        }
        // `Self`, `Any`, `Type` and `Protocol` cannot prefix a type declaration safely.
        guard !["Self", "Any", "Type", "Protocol"].contains(text) else {
            throw HostError.usage("'\(text)' is not a valid plugin name: it is reserved in Swift; \(reason)")
        }
        // The suffix is added (`Acme` → `AcmeConnector`); typed too, it would come twice.
        guard !text.hasSuffix("Connector") else {
            let stem = text.dropLast("Connector".count)
            throw HostError.usage("'\(text)' is not a valid plugin name: leave out the Connector suffix"
                                  + (stem.isEmpty ? "; \(reason)" : " (\(stem) makes \(text))"))
        }
        typeName = text
        words = Self.split(text)
    }

    /// `AcmeHRConnector`: the package, product, target and connector type.
    public var connectorType: String { typeName + "Connector" }
    /// `acme-hr`: what users type after `connhost sync`.
    public var pluginName: String { words.map { $0.lowercased() }.joined(separator: "-") }
    /// `BATON_ACME_HR`: the prefix of its environment variables (Baton's convention).
    public var environmentPrefix: String { "BATON_" + words.map { $0.uppercased() }.joined(separator: "_") }
    /// `libAcmeHRConnector.so`: what `swift build` produces and the host loads.
    public var libraryFile: String { "lib\(connectorType).so" }
    /// `Acme HR`: the name in prose.
    public var displayName: String { words.joined(separator: " ") }

    /// Splits UpperCamelCase into words: a capital starts a word after a lower-case letter
    /// or digit, and the last capital of a run starts one when a lower-case letter follows
    /// (`HRTool` → `HR`, `Tool`).
    static func split(_ text: String) -> [String] {
        let characters = Array(text)
        var words: [String] = []
        var current = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) {
                    words.append(current)
                    current = ""
                }
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
