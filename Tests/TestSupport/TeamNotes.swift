import Foundation

/// The team's notes, kept beside the repository (`../shared/notes`) and not part of it:
/// tests that cross-check against them are enabled only where they are present.
public enum TeamNotes {
    /// `c1z-format.md`, Baton's c1z layout, or `nil` when it is not beside this clone.
    public static let c1zFormat: String? = try? String(
        contentsOfFile: Products.repository + "/../shared/notes/c1z-format.md", encoding: .utf8)
}
