/// Command line of `FakeSaaS aha|codefresh [options]`. Flags accept `--flag value`
/// and `--flag=value`; unknown flags and flags of the other tenant are errors, so a
/// typo in a test never silently runs the default tenant.
struct Options {
    enum Mode: String { case aha, codefresh }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    var mode: Mode
    var seed: UInt64 = 1
    var users = 50
    var apiKey = "test-key"
    var maxSeconds = 600.0
    var port: UInt16 = 0
    var truthPath: String?
    var limits = TrafficControl.Limits()
    var faults = FaultPlan()
    /// Milliseconds each counted request is held before its answer, drawn per request.
    var latency: ClosedRange<Int>?
    /// Counted requests answered before the rest are held until `/_fake/release`.
    var holdAfter: Int?
    // Aha!
    var teams = 8
    var virtualUsers = 4
    var extraUsers = 0
    var dropMember = false
    var hostileNames = false
    var pageSizeMax = 200
    var unlistedMembers = false
    var oauth = OAuthServer.Registration()
    // Codefresh
    var accounts = 3
    var noActiveAccount = false

    static let usage = """
    usage: FakeSaaS aha|codefresh [options]
      common:    --seed N (1) --users N (50) --api-key KEY (test-key) --max-seconds S (600)
                 --port N (0 = any) --truth PATH
      limits:    --rate-limit N/s  --rate-limit-min N  --no-retry-after
             --rate-limit-headers (answers carry X-RateLimit-Limit/Remaining/Reset of the fuller window)
      latency:   --latency MS or MIN-MAX (held after the request is counted, before the answer)
      hold:      --hold-after N (requests after the N-th wait unanswered until GET /_fake/release)
      faults:    --fail-rate F  --reset-rate F  --truncate-rate F  --stall-ms MS  --stall-rate F
                 --fail-after N  --fail-page P
      aha:       --teams N (8) --virtual-users N (4) --extra-users K --drop-member --page-size-max N (200)
                 --unlisted-members (the team list never carries team_members: clients page team_memberships)
                 --hostile-names (users 6-19 and teams 4-8 named like HTML/script/formula injections)
      aha OAuth: --client-id ID (test-client) --client-secret S (test-client-secret)
                 --redirect-uri URI (http://127.0.0.1:8765/callback) --token-ttl SECONDS (3600)
      codefresh: --accounts N (3) --no-active-account
    Prints one line, http://127.0.0.1:PORT, once it is ready. See docs/fakesaas.md.
    """

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        if arguments.contains("--help") || arguments.contains("-h") { throw UsageError(description: "help") }
        guard let first = arguments.first else { throw UsageError(description: "missing tenant (aha or codefresh)") }
        guard let mode = Mode(rawValue: first) else { throw UsageError(description: "unknown tenant '\(first)' (aha or codefresh)") }
        var options = Options(mode: mode)
        var stallMsGiven = false
        var stallRateGiven = false

        var rest = arguments.dropFirst()
        while let raw = rest.popFirst() {
            var flag = raw
            var inlineValue: String?
            if let eq = raw.firstIndex(of: "="), raw.hasPrefix("--") {
                flag = String(raw[..<eq])
                inlineValue = String(raw[raw.index(after: eq)...])
            }
            func value() throws(UsageError) -> String {
                if let inlineValue { return inlineValue }
                guard let next = rest.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
                return next
            }
            func int(min lower: Int = 0) throws(UsageError) -> Int {
                let text = try value()
                guard let n = Int(text), n >= lower else { throw UsageError(description: "\(flag): expected an integer >= \(lower), got '\(text)'") }
                return n
            }
            func rate() throws(UsageError) -> Double {
                let text = try value()
                guard let f = Double(text), f >= 0, f <= 1 else { throw UsageError(description: "\(flag): expected a number in 0...1, got '\(text)'") }
                return f
            }
            func only(_ wanted: Mode) throws(UsageError) {
                if mode != wanted { throw UsageError(description: "\(flag) applies to the \(wanted.rawValue) tenant only") }
            }
            func noValue() throws(UsageError) {
                if inlineValue != nil { throw UsageError(description: "\(flag) takes no value") }
            }

            switch flag {
            case "--seed":
                let text = try value()
                guard let s = UInt64(text) ?? Int64(text).map({ UInt64(bitPattern: $0) }) else {
                    throw UsageError(description: "--seed: expected an integer, got '\(text)'")
                }
                options.seed = s
            case "--users": options.users = try int()
            case "--api-key": options.apiKey = try value()
            case "--max-seconds":
                let text = try value()
                guard let s = Double(text), s > 0 else { throw UsageError(description: "--max-seconds: expected a positive number, got '\(text)'") }
                options.maxSeconds = s
            case "--port":
                let n = try int()
                guard n <= 65535 else { throw UsageError(description: "--port: \(n) is not a port") }
                options.port = UInt16(n)
            case "--truth": options.truthPath = try value()
            case "--rate-limit":
                let text = try value()
                let number = text.hasSuffix("/s") ? String(text.dropLast(2)) : text
                guard let n = Int(number), n >= 1 else { throw UsageError(description: "--rate-limit: expected N/s with N >= 1, got '\(text)'") }
                options.limits.perSecond = n
            case "--rate-limit-min":
                let text = try value()
                let number = text.hasSuffix("/min") ? String(text.dropLast(4)) : text
                guard let n = Int(number), n >= 1 else { throw UsageError(description: "--rate-limit-min: expected N >= 1, got '\(text)'") }
                options.limits.perMinute = n
            case "--no-retry-after": try noValue(); options.limits.sendRetryAfter = false
            case "--rate-limit-headers": try noValue(); options.limits.sendRateLimitHeaders = true
            case "--latency":
                let text = try value()
                let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil,
                      low >= 0, high >= low, high <= 60_000 else {
                    throw UsageError(description: "--latency: expected MS or MIN-MAX in milliseconds (at most 60000), got '\(text)'")
                }
                options.latency = low...high
            case "--fail-rate": options.faults.failRate = try rate()
            case "--reset-rate": options.faults.resetRate = try rate()
            case "--truncate-rate": options.faults.truncateRate = try rate()
            case "--stall-rate": options.faults.stallRate = try rate(); stallRateGiven = true
            case "--stall-ms": options.faults.stallMilliseconds = try int(); stallMsGiven = true
            case "--fail-after": options.faults.failAfter = try int()
            case "--fail-page": options.faults.failPage = try int(min: 1)
            case "--hold-after": options.holdAfter = try int()
            case "--teams": try only(.aha); options.teams = try int()
            case "--virtual-users": try only(.aha); options.virtualUsers = try int()
            case "--extra-users": try only(.aha); options.extraUsers = try int()
            case "--drop-member": try only(.aha); try noValue(); options.dropMember = true
            case "--hostile-names": try only(.aha); try noValue(); options.hostileNames = true
            case "--page-size-max": try only(.aha); options.pageSizeMax = try int(min: 1)
            case "--unlisted-members": try only(.aha); try noValue(); options.unlistedMembers = true
            case "--client-id": try only(.aha); options.oauth.clientID = try value()
            case "--client-secret": try only(.aha); options.oauth.clientSecret = try value()
            case "--redirect-uri": try only(.aha); options.oauth.redirectURI = try value()
            case "--token-ttl": try only(.aha); options.oauth.tokenLifetime = try int(min: 1)
            case "--accounts": try only(.codefresh); options.accounts = try int()
            case "--no-active-account": try only(.codefresh); try noValue(); options.noActiveAccount = true
            default:
                throw UsageError(description: "unknown option '\(raw)'")
            }
        }
        // One of the pair alone still means something: --stall-ms alone stalls every
        // request; --stall-rate alone stalls for 1000 ms.
        if stallMsGiven && !stallRateGiven { options.faults.stallRate = 1 }
        if stallRateGiven && !stallMsGiven { options.faults.stallMilliseconds = 1000 }
        options.faults.seed = options.seed
        if options.users + options.extraUsers > 50_000_000 {
            throw UsageError(description: "--users: at most 50,000,000 in total")
        }
        return options
    }
}
