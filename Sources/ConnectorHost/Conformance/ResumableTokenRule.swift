import ConnectorKit

/// The `resume-tokens` rule: a resumed sync lists again from a token an earlier process
/// saved, so a listing restarted from a saved token must give the same page each time.
///
/// For each syncer: list the first page, keep its next token as a string (as the checkpoint
/// does), then list from that token twice and compare items and next token. A listing of
/// one page has nothing to restart and passes.
enum ResumableTokenRule {
    /// The problems found, and what was checked when there are none.
    static func check(_ syncers: [any ResourceSyncer], redact: (String) -> String) async -> (problems: [String], detail: String) {
        var problems: [String] = []
        var restarted: [String] = []
        for syncer in syncers {
            let type = syncer.resourceType.id
            do {
                guard let next = try await syncer.list(ListRequest(page: nil)).next else { continue }
                let saved = PageToken(rawValue: String(next.rawValue))
                let first = try await syncer.list(ListRequest(page: saved))
                let second = try await syncer.list(ListRequest(page: saved))
                if first.items != second.items {
                    problems.append("\(type) list: two listings from the saved token '\(saved)' returned different resources")
                } else if first.next != second.next {
                    problems.append("\(type) list: two listings from the saved token '\(saved)' returned different next tokens")
                } else {
                    restarted.append(type)
                }
            } catch {
                problems.append("\(type) list: restarting from a saved token failed: \(redact(ErrorReport.message(for: error)))")
            }
        }
        let detail = restarted.isEmpty ? "no listing has a second page to restart from"
            : restarted.joined(separator: ", ") + " restarted from a saved page-2 token, twice alike"
        return (problems, detail)
    }
}
