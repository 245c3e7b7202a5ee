@_exported import TestSupport
import Foundation
import Testing
import ConnectorHost
#if canImport(Glibc)
import Glibc
#endif

/// Parses a JSON object from text.
func jsonObject(_ text: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any])
}

/// Parses a JSON file.
func jsonFile(_ path: String) throws -> [String: Any] {
    let data = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// The comparable part of a snapshot: resource types, resources, entitlements, grants,
/// re-serialised with sorted keys so that key order does not matter.
func snapshotContent(_ document: [String: Any]) throws -> [String: String] {
    var content: [String: String] = [:]
    for key in ["resource_types", "resources", "entitlements", "grants"] {
        let value = document[key] ?? []
        content[key] = String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }
    return content
}
