import ConnectorHost
import ConnectorKit
import Foundation
import Testing

/// `CSVWriter` and `CSVExport` on their own; the strict read-back of a whole tenant is in
/// `EndToEndTests/ReportTests`.
@Suite struct CSVExportTests {
    @Test(arguments: [
        ("plain", "plain"), ("", ""), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "\"'\rx\""),
        ("'quoted", "''quoted"), ("=HYPERLINK(\"//x\")", "\"'=HYPERLINK(\"\"//x\"\")\""), ("a=b", "a=b"), ("Zoë, 🚀", "\"Zoë, 🚀\""),
    ])
    func fieldsAreQuotedAndNeutralised(value: String, expected: String) {
        #expect(CSVWriter.field(value) == expected)
    }

    @Test func recordsEndWithCRLF() {
        var csv = CSVWriter(header: ["a", "b"])
        csv.append(["1", "x\ny"])
        #expect(csv.text == "a,b\r\n1,\"x\ny\"\r\n")
    }

    @Test func exportWritesThreeFilesInCanonicalOrderAndRefusesAFile() async throws {
        try await withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("out").path
            let paths = try CSVExport.write(SnapshotFixture.expected, to: output)
            #expect(paths.map { ($0 as NSString).lastPathComponent } == CSVExport.fileNames)
            let resources = try String(contentsOfFile: paths[0], encoding: .utf8)
            #expect(resources.hasPrefix("type,id,display_name,parent_type,parent_id,profile.email,profile.note,profile.status\r\n"))
            // Canonical order: by type, then id (numerically).
            let lines = resources.components(separatedBy: "\r\n")
            #expect(lines.count == 6 && lines[5].isEmpty)
            for (line, start) in zip(lines.dropFirst(), ["account,acme,", "team,7,", "user,7,", "user,42,"]) {
                #expect(line.hasPrefix(start), "\(line.debugDescription) should start with \(start)")
            }
            #expect(resources.contains("team,7,\"增长团队 \"\"Growth\"\"\",account,acme,,,\r\n"))
            let grants = try String(contentsOfFile: paths[2], encoding: .utf8)
            #expect(grants.contains("account:acme:admin:user:7,account:acme:admin,user,7,Zoë Ångström,Admin\r\n"))
            // Same snapshot, same bytes; no temp files left.
            let again = try CSVExport.write(SnapshotFixture.expected, to: output)
            #expect(try String(contentsOfFile: again[0], encoding: .utf8) == resources)
            #expect(try temporaryFiles(in: URL(fileURLWithPath: output)).isEmpty)

            let file = directory.appendingPathComponent("file").path
            try "x".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(throws: HostError.usage("--output \(file) exists and is not a directory")) {
                try CSVExport.write(SnapshotFixture.expected, to: file)
            }
        }
    }
}
