import ConnectorKit
import Testing

/// The base-URL rules every connector shares (DESIGN.md, "Base URL rules").
struct BaseURLTests {
    @Test(arguments: [
        ("https://acme.aha.io", "https://acme.aha.io"),
        ("https://ACME.aha.io", "https://ACME.aha.io"),
        ("  https://acme.aha.io ", "https://acme.aha.io"),
        ("acme", "https://acme.aha.io"),
        ("my-company", "https://my-company.aha.io"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:9", "http://localhost:9"),
        ("https://aha.example.com:8443", "https://aha.example.com:8443"),
        ("http://127.1.2.3:80", "http://127.1.2.3:80"),
        ("http://LOCALHOST:9", "http://LOCALHOST:9"),
    ])
    func accepted(input: String, expected: String) throws {
        #expect(try BaseURL.validate(input, accountDomain: "aha.io").absoluteString == expected)
    }

    @Test(arguments: [
        ("https://acme.aha.io/", "--base-url 'https://acme.aha.io/' has a trailing slash; use https://acme.aha.io"),
        ("https://acme.aha.io/api/v1", "--base-url 'https://acme.aha.io/api/v1' includes the API path /api/v1; give the account URL only; use https://acme.aha.io"),
        ("https://acme.aha.io/api", "--base-url 'https://acme.aha.io/api' includes the API path /api; give the account URL only; use https://acme.aha.io"),
        ("https://acme.aha.io/projects", "--base-url 'https://acme.aha.io/projects' has a path (/projects); give the account URL only; use https://acme.aha.io"),
        ("https://acme.aha.io?x=1", "--base-url 'https://acme.aha.io?x=[REDACTED]' has a query (?x=[REDACTED]); use https://acme.aha.io"),
        ("https://acme.aha.io#top", "--base-url 'https://acme.aha.io#top' has a fragment (#top); use https://acme.aha.io"),
        ("acme.aha.io", "--base-url 'acme.aha.io' has no scheme; use https://acme.aha.io"),
        ("acme.aha.io/api/v1", "--base-url 'acme.aha.io/api/v1' has no scheme; use https://acme.aha.io"),
        ("http://acme.aha.io", "--base-url 'http://acme.aha.io' uses plain http://; only https:// is allowed; use https://acme.aha.io"),
        ("ftp://acme.aha.io", "--base-url 'ftp://acme.aha.io' has scheme ftp://, not https://; use https://acme.aha.io"),
        ("https://user:pw@acme.aha.io", "--base-url 'https://[REDACTED]@acme.aha.io' contains credentials; pass them as flags; use https://acme.aha.io"),
        ("http://127.evil.example", "--base-url 'http://127.evil.example' uses plain http://; only https:// is allowed; use https://127.evil.example"),
        ("http://127.0.0.1.nip.io", "--base-url 'http://127.0.0.1.nip.io' uses plain http://; only https:// is allowed; use https://127.0.0.1.nip.io"),
        ("http://128.0.0.1", "--base-url 'http://128.0.0.1' uses plain http://; only https:// is allowed; use https://128.0.0.1"),
        ("https://acme.aha.io:99999", "--base-url 'https://acme.aha.io:99999' has port 99999; a port is a number from 1 to 65535; use https://acme.aha.io"),
        ("https://acme.aha.io:0", "--base-url 'https://acme.aha.io:0' has port 0; a port is a number from 1 to 65535; use https://acme.aha.io"),
        ("", "--base-url is empty"),
        ("https://", "--base-url 'https://' is not a valid URL"),
    ])
    func rejected(input: String, message: String) {
        do {
            _ = try BaseURL.validate(input, accountDomain: "aha.io")
            Issue.record("\(input) was accepted")
        } catch let error as ConnectorError {
            #expect(error.description == message)
            #expect(error.isConfigurationError)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func loopbackIsAnAddressNotAPrefix() {
        for host in ["localhost", "127.0.0.1", "127.255.0.9", "::1", "[::1]", "0:0:0:0:0:0:0:1"] {
            #expect(BaseURL.isLoopback(host), "\(host)")
        }
        for host in ["127.evil.example", "127.0.0.1.evil.example", "localhost.example", "0x7f.0.0.1", "127.1", "::2", "10.0.0.1", ""] {
            #expect(!BaseURL.isLoopback(host), "\(host)")
        }
    }

    @Test func bareNamesNeedAnAccountDomain() {
        #expect(throws: ConnectorError.self) { try BaseURL.validate("acme") }
    }
}
