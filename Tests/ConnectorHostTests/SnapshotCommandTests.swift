import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// `connhost show` and `connhost diff`, run as the built executable beside the test runner.
@Suite struct SnapshotCommandTests {
    static func connhost(_ arguments: String...) async throws -> ProcessResult {
        try await TestSupport.connhost(arguments)
    }

    @Test
    func showJSONIsTheSameForEveryFormat() async throws {
        try await withTemporaryDirectory { directory in
            var summaries: [String] = [], listings: [String] = []
            for format in SnapshotFormat.allCases {
                let path = directory.appendingPathComponent("snap.\(format.fileExtension)").path
                try SnapshotFixture.write(format, to: path)
                let summary = try await Self.connhost("show", path, "--json")
                let users = try await Self.connhost("show", path, "--json", "--type", "user")
                #expect(summary.status == 0 && users.status == 0, "\(summary.stderr)\(users.stderr)")
                summaries.append(summary.stdout)
                listings.append(users.stdout)
            }
            #expect(Set(summaries).count == 1)
            #expect(Set(listings).count == 1)
            let object = try JSONSerialization.jsonObject(with: Data(summaries[0].utf8))
            #expect((object as? NSDictionary) == ["connector": "fixture-ü", "entitlements": 2, "grants": 3,
                                                 "resource_types": ["account": 1, "team": 1, "user": 2]] as NSDictionary)
        }
    }

    @Test
    func showListsOneTypeOrRejectsAnUnknownOne() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("snap.db").path
            try SnapshotFixture.write(.sqlite, to: path)
            let table = try await Self.connhost("show", path, "--type", "user")
            #expect(table.status == 0)
            #expect(table.stdout.hasPrefix("ID  NAME"))
            #expect(table.stdout.contains("Zoë Ångström"))
            let unknown = try await Self.connhost("show", path, "--type", "group")
            #expect(unknown.status == 2)
            #expect(unknown.stderr.contains("account, team, user"))
        }
    }

    @Test
    func diffExitsLikeDiff1() async throws {
        try await withTemporaryDirectory { directory in
            let old = directory.appendingPathComponent("old.db").path
            let same = directory.appendingPathComponent("same.ndjson").path
            let new = directory.appendingPathComponent("new.json").path
            try SnapshotFixture.write(.sqlite, to: old)
            try SnapshotFixture.write(.ndjson, to: same)
            var renamed = SnapshotFixture.users[1]
            renamed.displayName = "Seán"
            try SnapshotFixture.write(.json, to: new, records: SnapshotFixture.records.map {
                if case .resource(let resource) = $0, resource.reference == renamed.reference { return .resource(renamed) }
                return $0
            })

            let equal = try await Self.connhost("diff", old, same)
            #expect(equal.status == 0)
            #expect(equal.stdout == "no differences\n")
            let different = try await Self.connhost("diff", old, new)
            #expect(different.status == 1)
            #expect(different.stdout.hasPrefix("~ resource user:42 display_name: \"Seán O'Brien \\\\ 🚀\" -> \"Seán\"\n"))
            let missing = try await Self.connhost("diff", old, directory.appendingPathComponent("nope.db").path)
            #expect(missing.status == 2)
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: same))
            let unreadable = try await Self.connhost("diff", old, same)
            #expect(unreadable.status == 2)
            #expect(unreadable.stderr.contains("not a connhost snapshot"))
            let show = try await Self.connhost("show", same)
            #expect(show.status == 1)
        }
    }
}
