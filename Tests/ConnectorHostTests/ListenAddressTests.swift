import ConnectorHost
import Testing

/// `ListenAddress`: the forms `--listen` takes and one exact line for the rest.
@Suite struct ListenAddressTests {
    @Test func parsesHostAndPort() throws {
        #expect(try ListenAddress("127.0.0.1:9464") == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(try ListenAddress("0.0.0.0:80") == ListenAddress(host: "0.0.0.0", port: 80))
        #expect(try ListenAddress(":0") == ListenAddress(host: "127.0.0.1", port: 0))
        #expect(try ListenAddress("10.1.2.3:65535").description == "10.1.2.3:65535")
        #expect(ListenAddress.standard.description == "127.0.0.1:9464")
    }

    @Test func refusesEverythingElseWithOneLine() {
        for text in ["", "9464", "localhost:9464", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:+80",
                     "127.0.0.1:0x50", "127.1:80", "[::1]:80", "::1", "127.0.0.1:9464 ", "http://127.0.0.1:9464"] {
            #expect(throws: HostError.usage("expected HOST:PORT with an IPv4 address and a port 0-65535 (e.g. 127.0.0.1:9464), got \"\(text)\""),
                    "\(text)") { try ListenAddress(text) }
        }
    }
}
