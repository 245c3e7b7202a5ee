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

    /// Checks what loading the plugin at `path` gave (``PluginInvocation/pluginFile``).
    public init(path: String, loaded: Result<LoadedPlugin, PluginLoadFailure>) {
        self.path = path
        self.loaded = loaded
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
        guard let plugin = checkLoading(&report) else {
            return report.skippingTheRest("the plugin did not load")
        }
        checkSelfDescription(plugin.metadata, &report)
        guard let session = try openSession(plugin, source, &report) else {
            return report.skippingTheRest("no session")
        }
        let syncers = session.session.syncers
        report.add(.syncers, Self.syncerProblems(syncers, plugin.metadata),
                   passed: "one each for " + syncers.map(\.resourceType.id).joined(separator: ", "))
        await checkRecords(syncers, session, plugin.metadata, &report)
        return report
    }

    // MARK: - Steps

    /// `abi-version` and `loads`: the plugin, or `nil` when it did not load.
    private func checkLoading(_ report: inout ConformanceReport) -> LoadedPlugin? {
        switch loaded {
        case .success(let plugin):
            report.name = plugin.metadata.name
            report.version = plugin.metadata.version
            report.add(.abiVersion, [], passed: Self.abiDetail)
            report.add(.loads, [], passed: "connector '\(plugin.metadata.name)' on the shared ConnectorKit")
            return plugin
        case .failure(let failure):
            switch failure.stage {
            case .file, .directory:
                report.add(.abiVersion, ["cannot read it: \(failure.reason)"], passed: "")
            case .abiVersion:
                report.add(.abiVersion, [failure.reason], passed: "")
            case .entry, .duplicateName:
                report.add(.abiVersion, [], passed: Self.abiDetail)
                report.add(.loads, [failure.reason], passed: "")
            }
            return nil
        }
    }

    /// `metadata`, `resource-types` and `config-fields`: what the plugin says of itself.
    private func checkSelfDescription(_ metadata: ConnectorMetadata, _ report: inout ConformanceReport) {
        report.add(.metadata, SelfDescriptionRules.metadata(metadata),
                   passed: "\(metadata.name) \(metadata.version): \(metadata.summary)")
        report.add(.resourceTypes, SelfDescriptionRules.resourceTypes(metadata),
                   passed: metadata.resourceTypes.map(\.id).joined(separator: ", "))
        report.add(.configFields, SelfDescriptionRules.configFields(metadata, reservedFlags: reservedFlags),
                   passed: metadata.configFields.isEmpty ? "none" : metadata.configFields.map {
                       "--\($0.name) (\($0.env)\($0.secret ? ", secret" : ""))"
                   }.joined(separator: ", "))
    }

    /// A session and what the walk needs to look for secrets in it.
    private struct SessionUnderTest {
        var session: any ConnectorSession
        /// Secret config fields and their values.
        var secrets: [(field: String, value: String)]
        var context: ConnectorContext
    }

    /// `session`: a live session, or one over the plugin's canned data; `nil` when the
    /// plugin cannot make it (a live configuration it rejects is thrown instead).
    private func openSession(_ plugin: LoadedPlugin, _ source: DataSource,
                             _ report: inout ConformanceReport) throws -> SessionUnderTest? {
        let config: ConnectorConfiguration
        let makeSession: (ConnectorConfiguration, ConnectorContext) throws -> any ConnectorSession
        switch source {
        case .live(let given):
            config = given
            makeSession = plugin.connector.makeSession
            report.data = "live"
        case .selfTest:
            guard let selfTesting = plugin.connector as? any SelfTestingConnector else {
                report.add(.session, ["offers no self-test data (SelfTestingConnector); give its configuration instead"], passed: "")
                return nil
            }
            config = selfTesting.selfTestConfiguration
            makeSession = selfTesting.makeSelfTestSession
            report.data = "self-test"
        }
        let secrets = plugin.metadata.configFields.filter(\.secret).compactMap { field in
            config[field.name].map { (field: field.name, value: $0) }
        }
        let context = options.makeContext(secrets: secrets.map(\.value))
        do {
            let session = try makeSession(config, context)
            let live = report.data == "live"
            report.add(.session, [], passed: live ? "live session" : "self-test session over canned data")
            return SessionUnderTest(session: session, secrets: secrets, context: context)
        } catch let error as ConnectorError where error.isConfigurationError {
            if case .live = source { throw error }
            report.add(.session, ["its own self-test configuration is rejected: \(context.redact(error.description))"], passed: "")
        } catch {
            report.add(.session, [context.redact(ErrorReport.message(for: error))], passed: "")
        }
        return nil
    }

    /// `sync`, `ids`, `entitlements`, `grants`, `page-tokens` and `secrets`: one walk over
    /// every page; the data rules are skipped when a call failed.
    private func checkRecords(_ syncers: [any ResourceSyncer], _ session: SessionUnderTest, _ metadata: ConnectorMetadata,
                              _ report: inout ConformanceReport) async {
        let walk = ConformanceWalk(maxPages: maxPages, secrets: session.secrets, redact: session.context.redact)
        await walk.run(syncers)
        let resources = walk.resourceCounts.values.reduce(0, +)
        var typeIDs: [String] = []
        for id in syncers.map(\.resourceType.id) where !typeIDs.contains(id) { typeIDs.append(id) }
        let perType = typeIDs.map { "\($0) \(walk.resourceCounts[$0] ?? 0)" }.joined(separator: ", ")
        report.add(.sync, walk.error.map { [$0] } ?? [],
                   passed: "\(walk.listings) listings: \(resources) resources (\(perType)), "
                       + "\(walk.entitlementCount) entitlements, \(walk.grantCount) grants")
        let passDetails: [(ConformanceRule, String)] = [
            (.ids, "\(resources + walk.entitlementCount + walk.grantCount) ids, none empty or repeated"),
            (.entitlements, "\(walk.entitlementCount) entitlements, each on the resource it was listed for"),
            (.grants, "\(walk.grantCount) grants, every entitlement offered and every principal listed"),
            (.pageTokens, "\(walk.listings) listings ended, the longest after \(walk.longestListing) "
                + (walk.longestListing == 1 ? "page" : "pages") + " (bound \(maxPages))"),
            (.secrets, Self.secretsDetail(metadata, session.secrets.map(\.field))),
        ]
        for (rule, detail) in passDetails {
            if let problems = walk.problems[rule] {
                report.results.append(.init(rule: rule, status: .fail, detail: problems.summary))
            } else if !walk.completed {
                report.results.append(.init(rule: rule, status: .skip, detail: "the walk stopped at an error (see sync)"))
            } else {
                report.add(rule, [], passed: detail)
            }
        }
        if walk.completed {
            let restart = await ResumableTokenRule.check(syncers, redact: session.context.redact)
            report.add(.resumableTokens, restart.problems, passed: restart.detail)
        } else {
            report.results.append(.init(rule: .resumableTokens, status: .skip, detail: "the walk stopped at an error (see sync)"))
        }
    }

    // MARK: - Details

    static var abiDetail: String { "ABI \(connectorABIVersion), as the host expects" }

    /// One syncer per declared type, each reporting the type as declared, and none extra.
    static func syncerProblems(_ syncers: [any ResourceSyncer], _ metadata: ConnectorMetadata) -> [String] {
        let declared = Dictionary(metadata.resourceTypes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let checker = RecordChecker()
        var problems: [String] = []
        for type in syncers.map(\.resourceType) {
            if let problem = checker.syncer(type) {
                problems.append(problem.message)
            } else if let expected = declared[type.id] {
                if expected != type {
                    problems.append("the '\(type.id)' syncer's resource type differs from the declared one (display name or traits)")
                }
            } else {
                problems.append("a syncer for undeclared resource type '\(type.id)'")
            }
        }
        let served = Set(syncers.map(\.resourceType.id))
        for type in metadata.resourceTypes where !served.contains(type.id) {
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
