import ConnectorKit
import Testing

/// URL credentials are hidden wherever a URL appears in a message.
struct URLRedactionTests {
    @Test(arguments: [
        ("cannot reach http://bob:pw@host:8080/x?api_key=k&page=2 now",
         "cannot reach http://[REDACTED]@host:8080/x?api_key=[REDACTED]&page=[REDACTED] now"),
        ("'https://token@acme.aha.io'", "'https://[REDACTED]@acme.aha.io'"),
        ("two: https://a:b@one.example and postgresql://u:p@db:5432/x?sslpassword=s",
         "two: https://[REDACTED]@one.example and postgresql://[REDACTED]@db:5432/x?sslpassword=[REDACTED]"),
        ("https://acme.aha.io?secret", "https://acme.aha.io?[REDACTED]"),
        // Nothing to hide: unchanged, including the kit's own request lines.
        ("GET /api/v1/users?page=3: HTTP 500", "GET /api/v1/users?page=3: HTTP 500"),
        ("https://acme.aha.io/api/v1", "https://acme.aha.io/api/v1"),
        ("no url here", "no url here"),
    ])
    func redactsUserInfoAndQueryValues(text: String, expected: String) {
        #expect(URLRedaction.redact(text) == expected)
    }
}
