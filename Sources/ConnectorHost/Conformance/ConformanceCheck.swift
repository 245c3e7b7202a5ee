import ConnectorKit
import Foundation

/// `connhost check-plugin`: loads a plugin exactly as the host does and checks it against
/// every ``ConformanceRule``, reporting each rule instead of stopping at the first failure.
///
/// The records come from a live configuration (resolved like a sync's) or, when the
/// plugin is a ``SelfTestingConnector``, from its own canned data. The walk over the
/// records follows the sync engine's order and shares its page loop (``PageLoop``), with
/// cycle detection and a far lower page bound, so that a plugin that passes here also
/// gets through a sync.
public struct ConformanceCheck {
    /// Where the records come from.
    public enum DataSource: Sendable {
        /// A resolved configuration: the plugin calls its (real or fake) service.
        case live(ConnectorConfiguration)
        /// The plugin's own canned data, through ``SelfTestingConnector``.
        case selfTest
    }

    /// Pages one listing may have before its token counts as endless. Far below the sync
    /// engine's bound, because a conformance run should end in seconds.
    public static let defaultMaxPages = 10_000

    /// The `.so` checked.
    public let path: String
    /// What loading it gave.
    public let loaded: Result<LoadedPlugin, PluginLoadFailure>
    /// The page bound for every listing.
    public var maxPages = ConformanceCheck.defaultMaxPages
    /// Host options a config field must not shadow (`output`, `format`, …).
    public var reservedFlags: Set<String> = []
    /// Timeouts and retries of the session's HTTP client.
    public var options = SyncOptions()

    /// Loads the plugin at `path` with ``PluginLoader/load(path:)``, as the host does.
    public init(path: String) {
        self.path = path
        loaded = PluginLoader.load(path: path)
    }

    /// Checks a plugin that is already loaded (or linked into the process).
    public init(plugin: LoadedPlugin) {
        path = plugin.path
        loaded = .success(plugin)
    }

    /// The plugin, when it loaded.
    public var plugin: LoadedPlugin? { try? loaded.get() }

    /// Whether the plugin offers self-test data.
    public var offersSelfTest: Bool { plugin?.connector is any SelfTestingConnector }

    /// Runs every rule against `source`.
    ///
    /// Throws only when a live configuration is rejected by the plugin
    /// (``ConnectorError/invalidConfiguration(field:message:)``: the user's input, exit 2,
    /// as for a sync); whatever the plugin itself gets wrong is in the report.
    public func run(_ source: DataSource) async throws -> ConformanceReport {
        var report = ConformanceReport(path: path)
        func add(_ rule: ConformanceRule, _ problems: [String], passed detail: @autoclosure () -> String) {
            if problems.isEmpty {
                report.results.append(.init(rule: rule, status: .pass, detail: detail()))
            } else {
                var list = ProblemList()
                list.append(contentsOf: problems)
                report.results.append(.init(rule: rule, status: .fail, detail: list.summary))
            }
        }
        func skipRest(_ reason: String) -> ConformanceReport {
            let done = Set(report.results.map(\.rule))
            for rule in ConformanceRule.allCases where !done.contains(rule) {
                report.results.append(.init(rule: rule, status: .skip, detail: reason))
            }
            return report
        }

        let plugin: LoadedPlugin
        switch loaded {
        case .failure(let failure):
            switch failure.stage {
            case .file, .directory:
                add(.abiVersion, ["cannot read it: \(failure.reason)"], passed: "")
            case .abiVersion:
                add(.abiVersion, [failure.reason], passed: "")
            case .entry, .duplicateName:
                add(.abiVersion, [], passed: Self.abiDetail)
                add(.loads, [failure.reason], passed: "")
            }
            return skipRest("the plugin did not load")
        case .success(let loaded):
            plugin = loaded
        }
        let metadata = plugin.metadata
        report.name = metadata.name
        report.version = metadata.version
        add(.abiVersion, [], passed: Self.abiDetail)
        add(.loads, [], passed: "connector '\(metadata.name)' on the shared ConnectorKit")
        add(.metadata, SelfDescriptionRules.metadata(metadata), passed: "\(metadata.name) \(metadata.version): \(metadata.summary)")
        add(.resourceTypes, SelfDescriptionRules.resourceTypes(metadata),
            passed: metadata.resourceTypes.map(\.id).joined(separator: ", "))
        add(.configFields, SelfDescriptionRules.configFields(metadata, reservedFlags: reservedFlags),
            passed: metadata.configFields.isEmpty ? "none" : metadata.configFields.map {
                "--\($0.name) (\($0.env)\($0.secret ? ", secret" : ""))"
            }.joined(separator: ", "))

        // The session: live, or over the plugin's canned data.
        let selfTesting = plugin.connector as? any SelfTestingConnector
        let config: ConnectorConfiguration
        let makeSession: (ConnectorConfiguration, ConnectorContext) throws -> any ConnectorSession
        switch source {
        case .live(let given):
            config = given
            makeSession = plugin.connector.makeSession
            report.data = "live"
        case .selfTest:
            guard let selfTesting else {
                add(.session, ["offers no self-test data (SelfTestingConnector); give its configuration instead"], passed: "")
                return skipRest("no session")
            }
            config = selfTesting.selfTestConfiguration
            makeSession = selfTesting.makeSelfTestSession
            report.data = "self-test"
        }
        let secrets = metadata.configFields.filter(\.secret).compactMap { field in
            config[field.name].map { (field: field.name, value: $0) }
        }
        let context = options.makeContext(secrets: secrets.map(\.value))
        let session: any ConnectorSession
        do {
            session = try makeSession(config, context)
        } catch let error as ConnectorError where error.isConfigurationError {
            if case .live = source { throw error }
            add(.session, ["its own self-test configuration is rejected: \(context.redact(error.description))"], passed: "")
            return skipRest("no session")
        } catch {
            add(.session, [context.redact(ErrorReport.message(for: error))], passed: "")
            return skipRest("no session")
        }
        add(.session, [], passed: report.data == "live" ? "live session" : "self-test session over canned data")

        let syncers = session.syncers
        add(.syncers, Self.syncerProblems(syncers, metadata),
            passed: "one each for " + syncers.map(\.resourceType.id).joined(separator: ", "))

        let walk = ConformanceWalk(maxPages: maxPages, secrets: secrets, redact: context.redact)
        await walk.run(syncers)
        let resources = walk.resourceCounts.values.reduce(0, +)
        var typeIDs: [String] = []
        for id in syncers.map(\.resourceType.id) where !typeIDs.contains(id) { typeIDs.append(id) }
        let perType = typeIDs.map { "\($0) \(walk.resourceCounts[$0] ?? 0)" }.joined(separator: ", ")
        add(.sync, walk.error.map { [$0] } ?? [],
            passed: "\(walk.listings) listings: \(resources) resources (\(perType)), "
                + "\(walk.entitlementCount) entitlements, \(walk.grantCount) grants")
        let passDetails: [(ConformanceRule, String)] = [
            (.ids, "\(resources + walk.entitlementCount + walk.grantCount) ids, none empty or repeated"),
            (.entitlements, "\(walk.entitlementCount) entitlements, each on the resource it was listed for"),
            (.grants, "\(walk.grantCount) grants, every entitlement offered and every principal listed"),
            (.pageTokens, "\(walk.listings) listings ended, the longest after \(walk.longestListing) "
                + (walk.longestListing == 1 ? "page" : "pages") + " (bound \(maxPages))"),
            (.secrets, Self.secretsDetail(metadata, secrets.map(\.field))),
        ]
        for (rule, detail) in passDetails {
            if let problems = walk.problems[rule] {
                report.results.append(.init(rule: rule, status: .fail, detail: problems.summary))
            } else if !walk.completed {
                report.results.append(.init(rule: rule, status: .skip, detail: "the walk stopped at an error (see sync)"))
            } else {
                add(rule, [], passed: detail)
            }
        }
        if walk.completed {
            let restart = await ResumableTokenRule.check(syncers, redact: context.redact)
            add(.resumableTokens, restart.problems, passed: restart.detail)
        } else {
            report.results.append(.init(rule: .resumableTokens, status: .skip, detail: "the walk stopped at an error (see sync)"))
        }
        return report
    }

    static var abiDetail: String { "ABI \(connectorABIVersion), as the host expects" }

    /// One syncer per declared type, each reporting the type as declared, and none extra.
    static func syncerProblems(_ syncers: [any ResourceSyncer], _ metadata: ConnectorMetadata) -> [String] {
        let declared = Dictionary(metadata.resourceTypes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        var seen = Set<String>()
        for type in syncers.map(\.resourceType) {
            if !seen.insert(type.id).inserted {
                problems.append("two syncers for resource type '\(type.id)'")
            } else if let expected = declared[type.id] {
                if expected != type {
                    problems.append("the '\(type.id)' syncer's resource type differs from the declared one (display name or traits)")
                }
            } else {
                problems.append("a syncer for undeclared resource type '\(type.id)'")
            }
        }
        for type in metadata.resourceTypes where !seen.contains(type.id) {
            problems.append("declared resource type '\(type.id)' has no syncer")
        }
        return problems
    }

    static func secretsDetail(_ metadata: ConnectorMetadata, _ checked: [String]) -> String {
        if !checked.isEmpty {
            return "no value of " + checked.map { "--\($0)" }.joined(separator: ", ") + " in any record"
        }
        return metadata.configFields.contains(where: \.secret) ? "no secret value was given to look for" : "no secret fields"
    }
}
