import ConnectorHost
import ConnectorKit
import Testing

/// Every error message the host prints hides known secrets and URL credentials.
struct ErrorReportTests {
    @Test func messagesHideSecretsAndURLCredentials() {
        let context = ConnectorContext(secrets: ["known-secret"])
        let error = ConnectorError.other("known-secret rejected at https://u:pw@host.example/x?api_key=k")
        #expect(ErrorReport.message(for: error, connector: "aha", redact: context.redact)
                == "aha: [REDACTED] rejected at https://[REDACTED]@host.example/x?api_key=[REDACTED]")
        #expect(ErrorReport.message(for: HostError.failed("cannot reach http://t0ken@127.0.0.1:9"))
                == "cannot reach http://[REDACTED]@127.0.0.1:9")
    }
}
