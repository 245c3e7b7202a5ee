import Glibc

/// The ground truth: exactly the snapshot (format `connhost.snapshot/v1`, without
/// `synced_at`) that a correct connector syncs from the tenant. Tests compare the
/// connector's output against it, so it is written with fixed keys and sorted arrays.
struct TruthSnapshot: Sendable {
    struct ResourceType: Sendable {
        var id: String
        var displayName: String
        var traits: [String]
    }

    struct Resource: Sendable {
        var type: String
        var id: String
        var displayName: String
        var profile: [String: String]
        var parent: (type: String, id: String)?
    }

    struct Entitlement: Sendable {
        var id: String
        var resourceType: String
        var resourceID: String
        var slug: String
        var displayName: String
        var purpose: String
    }

    struct Grant: Sendable {
        var id: String
        var entitlement: String
        var principalType: String
        var principalID: String
    }

    var connector: String
    var resourceTypes: [ResourceType] = []
    var resources: [Resource] = []
    var entitlements: [Entitlement] = []
    var grants: [Grant] = []

    /// Plain byte-wise string order, as the spec requires (not Unicode collation).
    /// (memcmp on the UTF-8 bytes: the generic sequence comparison dominated start-up.)
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let n = min(pa.count, pb.count)
                let c = n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n)
                return c != 0 ? c < 0 : pa.count < pb.count
            }
        }
    }

    private func sortedByID<T>(_ items: [T], _ id: KeyPath<T, String>) -> LazyMapSequence<[Int], T> {
        Self.sortedOrder(items.map { $0[keyPath: id] }).lazy.map { items[$0] }
    }

    /// Indexes of `keys` in byte-wise order. The keys are packed into one buffer and
    /// compared with memcmp: sorting Strings directly (retain/release per comparison)
    /// dominated start-up for 100,000-user tenants.
    static func sortedOrder(_ keys: [String]) -> [Int] {
        var blob: [UInt8] = []
        var offsets: [Int] = []
        offsets.reserveCapacity(keys.count + 1)
        for key in keys {
            offsets.append(blob.count)
            blob.append(contentsOf: key.utf8)
        }
        offsets.append(blob.count)
        var order = Array(keys.indices)
        blob.withUnsafeBufferPointer { b in
            offsets.withUnsafeBufferPointer { o in
                order.sort { i, j in
                    let li = o[i + 1] - o[i], lj = o[j + 1] - o[j]
                    let n = min(li, lj)
                    let c = n == 0 ? 0 : memcmp(b.baseAddress! + o[i], b.baseAddress! + o[j], n)
                    return c != 0 ? c < 0 : li < lj
                }
            }
        }
        return order
    }

    /// The JSON document, one array element per line so diffs of truth files are readable.
    func jsonBytes() -> [UInt8] {
        var w = JSONWriter(capacity: 256 * (resources.count + grants.count + 16))
        w.raw("{\"format\":\"connhost.snapshot/v1\",\"connector\":")
        w.string(connector)

        w.raw(",\n\"resource_types\":[")
        for (i, t) in sortedByID(resourceTypes, \.id).enumerated() {
            w.raw(i == 0 ? "\n" : ",\n")
            w.raw("{\"id\":"); w.string(t.id)
            w.raw(",\"display_name\":"); w.string(t.displayName)
            w.raw(",\"traits\":"); w.stringArray(t.traits)
            w.raw("}")
        }

        w.raw("],\n\"resources\":[")
        // (id, type) order via the key "id NUL type": ids never contain NUL.
        let order = Self.sortedOrder(resources.map { "\($0.id)\u{0}\($0.type)" })
        for (i, r) in order.lazy.map({ resources[$0] }).enumerated() {
            w.raw(i == 0 ? "\n" : ",\n")
            w.raw("{\"type\":"); w.string(r.type)
            w.raw(",\"id\":"); w.string(r.id)
            w.raw(",\"display_name\":"); w.string(r.displayName)
            w.raw(",\"profile\":{")
            for (j, key) in r.profile.keys.sorted(by: Self.precedes).enumerated() {
                if j > 0 { w.raw(",") }
                w.string(key); w.raw(":"); w.string(r.profile[key]!)
            }
            w.raw("}")
            if let parent = r.parent {
                w.raw(",\"parent\":{\"type\":"); w.string(parent.type)
                w.raw(",\"id\":"); w.string(parent.id); w.raw("}")
            }
            w.raw("}")
        }

        w.raw("],\n\"entitlements\":[")
        for (i, e) in sortedByID(entitlements, \.id).enumerated() {
            w.raw(i == 0 ? "\n" : ",\n")
            w.raw("{\"id\":"); w.string(e.id)
            w.raw(",\"resource\":{\"type\":"); w.string(e.resourceType)
            w.raw(",\"id\":"); w.string(e.resourceID)
            w.raw("},\"slug\":"); w.string(e.slug)
            w.raw(",\"display_name\":"); w.string(e.displayName)
            w.raw(",\"purpose\":"); w.string(e.purpose)
            w.raw("}")
        }

        w.raw("],\n\"grants\":[")
        for (i, g) in sortedByID(grants, \.id).enumerated() {
            w.raw(i == 0 ? "\n" : ",\n")
            w.raw("{\"id\":"); w.string(g.id)
            w.raw(",\"entitlement\":"); w.string(g.entitlement)
            w.raw(",\"principal\":{\"type\":"); w.string(g.principalType)
            w.raw(",\"id\":"); w.string(g.principalID)
            w.raw("}}")
        }
        w.raw("]}\n")
        return w.bytes
    }
}
