/// The configured faults and the deterministic per-request draw. A draw depends only
/// on (seed, "METHOD target", how many times that exact request was seen before), so
/// a retry of the same URL gets a fresh independent draw and the outcome of a sync does
/// not depend on how concurrent requests interleave.
struct FaultPlan: Sendable {
    var seed: UInt64 = 1
    var failRate = 0.0
    var resetRate = 0.0
    var truncateRate = 0.0
    var stallRate = 0.0
    var stallMilliseconds = 0
    /// Every real request numbered above this gets 500.
    var failAfter: Int?
    /// Any request with `page=<failPage>` gets 500.
    var failPage: Int?

    enum Outcome: Equatable, Sendable {
        case normal
        case fail(status: Int)
        case reset
        case truncate
    }

    struct Decision: Sendable {
        var stallMilliseconds = 0
        var outcome = Outcome.normal
    }

    var injectsRandomFaults: Bool {
        failRate > 0 || resetRate > 0 || truncateRate > 0 || (stallRate > 0 && stallMilliseconds > 0)
    }

    /// Decides the fate of one request. `requestNumber` is the 1-based count of real
    /// requests (for `--fail-after`), `occurrence` the 0-based repeat count of `key`.
    func decide(key: String, occurrence: Int, requestNumber: Int, page: String?) -> Decision {
        var decision = Decision()
        if let failAfter, requestNumber > failAfter {
            decision.outcome = .fail(status: 500)
            return decision
        }
        if let failPage, let page, Int(page) == failPage {
            decision.outcome = .fail(status: 500)
            return decision
        }
        guard injectsRandomFaults else { return decision }
        let keyHash = StableHash.string(key)
        func draw(_ salt: UInt64) -> UInt64 {
            StableHash.combine(seed, keyHash, UInt64(occurrence), salt)
        }
        if stallMilliseconds > 0, StableHash.unit(draw(1)) < stallRate {
            decision.stallMilliseconds = stallMilliseconds
        }
        if StableHash.unit(draw(2)) < failRate {
            let statuses = [500, 502, 503, 504]
            decision.outcome = .fail(status: statuses[Int(draw(5) % 4)])
        } else if StableHash.unit(draw(3)) < resetRate {
            decision.outcome = .reset
        } else if StableHash.unit(draw(4)) < truncateRate {
            decision.outcome = .truncate
        }
        return decision
    }
}
