import Glibc
import Synchronization

/// Puts a tenant behind the test machinery shared by every fake: `/_fake/*`, rate
/// limits, fault injection and auth, in that order. Faults come before auth, as a
/// failing gateway would answer before the service checks credentials; `/_fake/*`
/// is never limited, faulted or counted.
final class FakeService: Sendable {
    let tenant: any Tenant
    let traffic: TrafficControl
    let faults: FaultPlan
    /// How long (ms) each counted request is held before its answer: the time a real API
    /// spends on a page after its rate limiter counted the request.
    let latency: ClosedRange<Int>?
    /// `--hold-after`: holds requests until `/_fake/release`.
    let hold: RequestHold
    private let truthCache = Mutex<[UInt8]?>(nil)

    init(tenant: any Tenant, traffic: TrafficControl, faults: FaultPlan, latency: ClosedRange<Int>? = nil,
         hold: RequestHold = RequestHold(after: nil)) {
        self.tenant = tenant
        self.hold = hold
        self.traffic = traffic
        self.faults = faults
        self.latency = latency
    }

    /// The ground-truth document, built on first use (large tenants make it tens of MB).
    func truthJSON() -> [UInt8] {
        truthCache.withLock { cache in
            if let cache { return cache }
            let bytes = tenant.truth().jsonBytes()
            cache = bytes
            return bytes
        }
    }

    func respond(to request: HTTPRequest) -> Reply {
        if request.path.hasPrefix("/_fake/") { return Reply(response: fakeEndpoint(request)) }
        // The authorization server stands beside the API: no rate limit, faults or counting
        // in `requests` (it has its own counters at /_fake/oauth).
        if request.path.hasPrefix("/oauth/"), let oauth = tenant.oauth { return Reply(response: oauth.respond(to: request)) }

        let number: Int
        let window: TrafficControl.WindowState?
        switch traffic.arrive() {
        case .limited(let retryAfter):
            var response = tenant.errorResponse(status: 429)
            if traffic.limits.sendRetryAfter { response.extraHeaders.append(("Retry-After", String(retryAfter))) }
            return Reply(response: response)
        case .admitted(let n, let state):
            number = n
            window = state
        }
        hold.wait(number: number)
        if let latency, latency.upperBound > 0 {
            var draw = SplitMix64(seed: StableHash.combine(faults.seed, UInt64(number)))
            usleep(useconds_t(draw.between(latency.lowerBound, latency.upperBound)) * 1000)
        }

        let key = "\(request.method) \(request.target)"
        let occurrence = faults.injectsRandomFaults ? traffic.nextOccurrence(of: key) : 0
        let decision = faults.decide(key: key, occurrence: occurrence, requestNumber: number, page: request.query["page"])
        if decision.stallMilliseconds > 0 {
            traffic.count(.stall)
            usleep(useconds_t(min(decision.stallMilliseconds, 3_600_000)) * 1000)
        }
        if case .fail(let status) = decision.outcome {
            traffic.count(.fail)
            return Reply(response: tenant.errorResponse(status: status))
        }

        var response: HTTPResponse
        if tenant.isAuthorized(request) {
            response = tenant.handle(request)
        } else {
            traffic.countUnauthorized()
            response = tenant.errorResponse(status: 401)
        }
        if let window { response.extraHeaders += window.headers }

        switch decision.outcome {
        case .reset:
            traffic.count(.reset)
            return Reply(response: response, resetHalfway: true)
        case .truncate where response.status == 200 && !response.body.isEmpty:
            traffic.count(.truncate)
            var cut = response
            cut.body = Array(response.body.prefix(max(1, response.body.count / 2)))
            return Reply(response: cut)
        default:
            return Reply(response: response)
        }
    }

    /// `POST /_fake/mutate`: applies the body's mutations and forgets the cached truth.
    private func mutate(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "POST" else { return HTTPResponse(status: 405, json: "{\"error\":\"POST a mutation list\"}") }
        var w = JSONWriter(capacity: 256)
        do throws(Mutation.Failure) {
            let mutations = try Mutation.parse(request.body)
            // The tenant and the truth cache change under one lock, so no reader sees the
            // new data with the old truth.
            let added = try truthCache.withLock { cache throws(Mutation.Failure) in
                let added = try tenant.apply(mutations)
                cache = nil
                return added
            }
            w.raw("{\"applied\":"); w.int(mutations.count)
            w.raw(",\"added_users\":"); w.stringArray(added); w.raw("}")
            return HTTPResponse(status: 200, body: w.bytes)
        } catch {
            w.raw("{\"error\":"); w.string(error.message); w.raw("}")
            return HTTPResponse(status: 400, body: w.bytes)
        }
    }

    private func fakeEndpoint(_ request: HTTPRequest) -> HTTPResponse {
        switch request.path {
        case "/_fake/stats": return HTTPResponse(status: 200, body: traffic.statsJSON())
        case "/_fake/truth": return HTTPResponse(status: 200, body: truthJSON())
        case "/_fake/mutate": return mutate(request)
        case "/_fake/hold": return HTTPResponse(status: 200, body: hold.statsJSON())
        case "/_fake/release":
            hold.release()
            return HTTPResponse(status: 200, body: hold.statsJSON())
        case "/_fake/oauth", "/_fake/revoke-refresh", "/_fake/expire-access":
            guard let oauth = tenant.oauth else { return HTTPResponse(status: 404, json: "{\"error\":\"Not found\"}") }
            if request.path == "/_fake/revoke-refresh" { oauth.revokeRefreshTokens() }
            if request.path == "/_fake/expire-access" { oauth.expireAccessTokens() }
            return HTTPResponse(status: 200, body: oauth.statsJSON())
        default: return HTTPResponse(status: 404, json: "{\"error\":\"Not found\"}")
        }
    }
}
