import Foundation
import ConnectorKit
import Testing

/// The plugin author's path through the real `connhost`: `new-plugin` writes a package
/// that builds, loads and passes `check-plugin`; `check-plugin` names the rule each broken
/// fixture breaks; both shipped plugins pass against FakeSaaS.
@Suite(.serialized)
struct PluginAuthoringTests {
    // MARK: - new-plugin

    @Test func newPluginOutputBuildsLoadsAndPassesCheck() async throws {
        let build = try await GeneratedPlugin.built.value.get()
        let kit = Products.repository + "/Packages/ConnectorKit"
        #expect(build.newPlugin.stdout.hasPrefix(
            "Created AcmeConnector in \(GeneratedPlugin.package) (plugin 'acme', ConnectorKit at \(kit)):\n"))
        let manifest = try String(contentsOfFile: GeneratedPlugin.package + "/Package.swift", encoding: .utf8)
        #expect(manifest.contains(#".package(path: "\#(kit)")"#))
        #expect(manifest.contains(#".library(name: "AcmeConnector", type: .dynamic, targets: ["AcmeConnector"])"#))
        for file in ["README.md", "Sources/AcmeConnector/AcmeConnector.swift", "Sources/AcmeConnector/AcmeUserSyncer.swift",
                     "Tests/AcmeConnectorTests/AcmeConnectorTests.swift"] {
            #expect(FileManager.default.fileExists(atPath: GeneratedPlugin.package + "/" + file), "\(file)")
        }
        // The generated package's own tests run green.
        #expect(build.packageTests.status == 0, "\(build.packageTests.output.suffix(2000))")

        // Dropped into a plugins directory, the host lists it with its derived names.
        let plugins = try await GeneratedPlugin.directory()
        let listing = try await connhost(["list-plugins", "--plugins-dir", plugins.path, "--json"])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stderr.isEmpty)
        let entry = try #require((try jsonObject(listing.stdout)["plugins"] as? [[String: Any]])?.first)
        #expect(entry["name"] as? String == "acme")
        #expect(entry["resource_types"] as? [String] == ["user"])
        let fields = try #require(entry["config_fields"] as? [[String: Any]])
        #expect(fields.map { $0["env"] as? String } == ["BATON_ACME_BASE_URL", "BATON_ACME_API_KEY"])

        // check-plugin passes on its self-test data, every rule.
        let check = try await connhost(["check-plugin", plugins.file("libAcmeConnector.so")])
        #expect(check.status == 0, "\(check.output)")
        let lines = check.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 15)
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("PASS  ") }, "\(check.stdout)")
        #expect(lines.last == "libAcmeConnector.so (acme 0.1.0, self-test data): all 14 rules passed")
        #expect(lines.contains("PASS  page-tokens     11 listings ended, the longest after 3 pages (bound 10000)"))
    }

    /// The template's placeholder endpoint has the shape of FakeSaaS's Aha! tenant, so the
    /// generated plugin also passes live and syncs unchanged: the HTTP path works, not only
    /// the canned data.
    @Test func generatedPluginPassesLiveAgainstFakeTenantAndSyncs() async throws {
        let plugins = try await GeneratedPlugin.directory()
        let tenant = try await FakeTenant("aha", ["--users", "230", "--teams", "2", "--seed", "5"])
        let check = try await connhost(["check-plugin", plugins.file("libAcmeConnector.so"),
                                  "--base-url", tenant.url, "--api-key", tenant.apiKey])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.stdout.contains("PASS  sync            461 listings: 230 resources (user 230), 0 entitlements, 0 grants"))
        #expect(check.stdout.hasSuffix("libAcmeConnector.so (acme 0.1.0, live data): all 14 rules passed\n"))
        #expect(!check.output.contains(tenant.apiKey))

        let outcome = try await syncJSON("acme", ["--plugins-dir", plugins.path, "--base-url", tenant.url],
                                   environment: ["BATON_ACME_API_KEY": tenant.apiKey])
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        let truth = try tenant.truth()
        let snapshot = try #require(outcome.snapshot)
        #expect(snapshot.resources.map(\.id) == truth.resources.filter { $0.type == "user" }.map(\.id))
        #expect(!outcome.everything.contains(tenant.apiKey))
    }

    @Test func newPluginRefusesAnExistingDirectory() async throws {
        let work = try TemporaryDirectory("authoring")
        let existing = work.file("AcmeConnector")
        try FileManager.default.createDirectory(atPath: existing, withIntermediateDirectories: false)
        let result = try await connhost(["new-plugin", "Acme", "--dir", existing])
        #expect(result.status == 2)
        #expect(result.stderr == "connhost: \(existing) already exists; new-plugin never overwrites (choose another --dir)\n")
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: existing).isEmpty)

        // The default directory is ./<Name>Connector, refused the same way.
        let relative = try await connhost(["new-plugin", "Acme"], directory: work.path)
        #expect(relative.status == 2)
        #expect(relative.stderr == "connhost: AcmeConnector already exists; new-plugin never overwrites (choose another --dir)\n")
    }

    @Test(arguments: [
        ("acme", "'acme' is not a valid plugin name: use an UpperCamelCase Swift identifier such as Acme or AcmeHR"),
        ("my-plugin", "'my-plugin' is not a valid plugin name: use an UpperCamelCase Swift identifier such as Acme or AcmeHR"),
        ("2Fast", "'2Fast' is not a valid plugin name: use an UpperCamelCase Swift identifier such as Acme or AcmeHR"),
        ("AcmeConnector", "'AcmeConnector' is not a valid plugin name: leave out the Connector suffix (Acme makes AcmeConnector)"),
        ("Aha", "'Aha' is taken: a plugin named 'aha' already exists (\(Products.repository)/Plugins/AhaConnector); choose another name"),
        ("CodeFresh", "'CodeFresh' is taken: a plugin named 'codefresh' already exists (\(Products.repository)/Plugins/CodefreshConnector); choose another name"),
    ])
    func newPluginRefusesABadName(name: String, message: String) async throws {
        let work = try TemporaryDirectory("authoring")
        let result = try await connhost(["new-plugin", name], directory: work.path)
        #expect(result.status == 2)
        #expect(result.stderr == "connhost: \(message)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
    }

    // MARK: - check-plugin on broken fixtures

    @Test(arguments: [
        ("DanglingGrant", "grants", "grant team:t:member:user:ghost names principal user:ghost, which no syncer lists"),
        ("DuplicateID", "ids", "duplicate user id '1'"),
        ("MissingEnv", "config-fields", "config field 'token' has no env name"),
        ("EndlessPages", "page-tokens", "user list: page token 'a' repeats the token of page 2 (plugin bug)"),
        ("LeakySecret", "secrets", "resource user:1 holds the value of secret field 'token' in profile.note"),
    ])
    func checkPluginNamesTheBrokenRule(fixture: String, rule: String, detail: String) async throws {
        let path = try await FixturePlugins.path(fixture)
        let result = try await connhost(["check-plugin", path])
        #expect(result.status == 1, "\(result.output)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let failures = lines.filter { $0.hasPrefix("FAIL") }
        #expect(failures == ["FAIL  \(rule.padding(toLength: 14, withPad: " ", startingAt: 0))  \(detail)"])
        #expect(lines.filter { $0.hasPrefix("PASS") }.count == 13, "\(result.stdout)")
        #expect(lines.last?.hasSuffix("1 of 14 rules failed (\(rule))") == true)

        let json = try await connhost(["check-plugin", path, "--json"])
        #expect(json.status == 1)
        let report = try jsonObject(json.stdout)
        #expect(report["passed"] as? Bool == false)
        let results = try #require(report["results"] as? [[String: Any]])
        #expect(results.filter { $0["status"] as? String == "fail" }.compactMap { $0["rule"] as? String } == [rule])
        #expect(results.first { $0["rule"] as? String == rule }?["detail"] as? String == detail)
    }

    @Test func leakedLiveSecretIsReportedButNeverPrinted() async throws {
        let token = "leak-me-7f3e2d1c"
        let path = try await FixturePlugins.path("LeakySecret")
        for extra in [[], ["--json"]] {
            let result = try await connhost(["check-plugin", path, "--token", token] + extra)
            #expect(result.status == 1)
            #expect(result.stdout.contains("holds the value of secret field 'token' in profile.note"))
            #expect(result.stdout.contains("live"))
            #expect(!result.output.contains(token))
        }
        let fromEnvironment = try await connhost(["check-plugin", path], environment: ["LEAKY_TOKEN": token])
        #expect(fromEnvironment.stdout.contains("(leaky 1.0.0, live data): 1 of 14 rules failed (secrets)"))
        #expect(!fromEnvironment.output.contains(token))
    }

    @Test func pluginThatDoesNotLoadFailsItsRuleAndSkipsTheRest() async throws {
        let oldABI = try await connhost(["check-plugin", try await FixturePlugins.path("OldABI")])
        #expect(oldABI.status == 1)
        let lines = oldABI.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "FAIL  abi-version     ABI version 999, host expects \(connectorABIVersion): rebuild it against this ConnectorKit")
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.hasPrefix("SKIP  ") && $0.hasSuffix("the plugin did not load") })
        #expect(lines.last == "libOldABIConnector.so: 1 of 14 rules failed (abi-version)")

        let factory = try await connhost(["check-plugin", try await FixturePlugins.path("BrokenFactory")])
        #expect(factory.status == 1)
        #expect(factory.stdout.contains("PASS  abi-version     ABI \(connectorABIVersion), as the host expects\n"
                                        + "FAIL  loads           factory failed: fixture factory refuses to start\n"))
    }

    @Test func checkPluginUsageErrorsExitTwo() async throws {
        let none = try await connhost(["check-plugin"])
        #expect(none.status == 2)
        #expect(none.stderr == "connhost: check-plugin needs the path of a plugin, e.g. connhost check-plugin .build/release/libAcmeConnector.so\n")
        let missing = try await connhost(["check-plugin", "/nonexistent/libNopeConnector.so"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "connhost: /nonexistent/libNopeConnector.so does not exist\n")
        // No self-test data and no configuration: the sync's own message. (Both shipped
        // plugins have self-test data now; the Hello fixture has none.)
        let hello = try await FixturePlugins.path("Hello")
        let noConfig = try await connhost(["check-plugin", hello])
        #expect(noConfig.status == 2)
        #expect(noConfig.stderr == "connhost: hello: missing --token (or set HELLO_TOKEN)\n")
        let selfTest = try await connhost(["check-plugin", hello, "--self-test"])
        #expect(selfTest.status == 2)
        #expect(selfTest.stderr == "connhost: hello offers no self-test data (SelfTestingConnector); give its configuration instead\n")
        let typo = try await connhost(["check-plugin", Products.plugin("Aha"), "--api-ky", "x"])
        #expect(typo.status == 2)
        #expect(typo.stderr == "connhost: unknown option --api-ky; did you mean --api-key?\n")
        let badURL = try await connhost(["check-plugin", Products.plugin("Aha"), "--base-url", "https://acme.aha.io/", "--api-key", "k"])
        #expect(badURL.status == 2)
        #expect(badURL.stderr.contains("has a trailing slash"), "\(badURL.stderr)")
    }

    // MARK: - The shipped plugins

    /// The canned answers run through the real client, paging and mapping: a virtual team
    /// member, a repeated one and a team listed without members (Aha!), an admin by either
    /// source and one with both roles (Codefresh).
    @Test(arguments: [("Aha", "aha", "PASS  sync            12 listings: 5 resources (user 3, team 2), 2 entitlements, 3 grants"),
                      ("Codefresh", "codefresh", "PASS  sync            10 listings: 4 resources (account 1, user 3), 2 entitlements, 4 grants")])
    func shippedPluginPassesItsSelfTestWithNoCredentialsOrNetwork(plugin: String, name: String, sync: String) async throws {
        let result = try await connhost(["check-plugin", Products.plugin(plugin), "--self-test"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasSuffix("lib\(plugin)Connector.so (\(name) 0.1.0, self-test data): all 14 rules passed\n"),
                "\(result.stdout)")
        #expect(result.stdout.contains(sync), "\(result.stdout)")
    }

    @Test func ahaPassesAgainstFakeSaaS() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "420", "--teams", "9", "--virtual-users", "4", "--seed", "3"])
        let result = try await connhost(["check-plugin", Products.plugin("Aha"), "--base-url", tenant.url, "--api-key", tenant.apiKey])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasSuffix("libAhaConnector.so (aha 0.1.0, live data): all 14 rules passed\n"), "\(result.stdout)")
        #expect(result.stdout.contains("PASS  sync            860 listings: 429 resources (user 420, team 9), 9 entitlements"))
        #expect(!result.output.contains(tenant.apiKey))
    }

    @Test func codefreshPassesAgainstFakeSaaS() async throws {
        let tenant = try await FakeTenant("codefresh", ["--users", "40", "--seed", "4"])
        let result = try await connhost(["check-plugin", Products.plugin("Codefresh"), "--base-url", tenant.url],
                                  environment: ["BATON_CODEFRESH_API_KEY": tenant.apiKey])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasSuffix("libCodefreshConnector.so (codefresh 0.1.0, live data): all 14 rules passed\n"),
                "\(result.stdout)")
        #expect(result.stdout.contains("PASS  sync            84 listings: 41 resources (account 1, user 40)"))
        #expect(!result.output.contains(tenant.apiKey))
    }
}
