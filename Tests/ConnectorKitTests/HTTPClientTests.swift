import ConnectorKit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing

/// HTTPClient carrying out its decisions over a scripted transport: what it sends, how
/// often, what it counts, and what it throws. No server, no backoff sleeps.
struct HTTPClientTests {
    /// Answers each request with the next scripted answer, and records what was sent.
    final class Script: HTTPTransport {
        private let state: Mutex<(answers: [Result<CannedTransport.Answer, URLError>], sent: [URLRequest])>

        init(_ answers: [Result<CannedTransport.Answer, URLError>]) {
            state = Mutex((answers, []))
        }

        var sent: [URLRequest] { state.withLock { $0.sent } }

        func send(_ request: URLRequest) async throws -> (Data, URLResponse) {
            let next = state.withLock { state -> Result<CannedTransport.Answer, URLError>? in
                state.sent.append(request)
                return state.answers.isEmpty ? nil : state.answers.removeFirst()
            }
            guard let next else { throw URLError(.resourceUnavailable) }
            let answer = try next.get()
            let url = request.url ?? URL(fileURLWithPath: "/")
            return (answer.body, HTTPURLResponse(url: url, statusCode: answer.status, httpVersion: nil, headerFields: answer.headers)!)
        }
    }

    struct Users: Decodable, Equatable { var users: [String] }

    static let ok = CannedTransport.Answer.json(#"{"users": ["ada", "grace"]}"#)

    static func client(_ script: Script, maxAttempts: Int = 4, authorization: String? = "Bearer sekret-key") -> (HTTPClient, ConnectorContext) {
        let context = ConnectorContext(maxAttempts: maxAttempts, initialBackoff: 0, maxBackoff: 0, secrets: ["sekret-key"])
        let baseURL = URL(string: "https://acme.aha.io")!
        return (HTTPClient(baseURL: baseURL, authorization: authorization, transport: script, context: context), context)
    }

    @Test func sendsTheHeadersAndQueryAndDecodes() async throws {
        let script = Script([.success(Self.ok)])
        let (client, context) = Self.client(script)
        let users = try await client.get("/api/v1/users", query: [("page", "2"), ("per_page", "200")], as: Users.self)
        #expect(users == Users(users: ["ada", "grace"]))
        let request = try #require(script.sent.first)
        #expect(request.url?.absoluteString == "https://acme.aha.io/api/v1/users?page=2&per_page=200")
        #expect(request.value(forHTTPHeaderField: "Authorization") == "Bearer sekret-key")
        #expect(request.value(forHTTPHeaderField: "Accept") == "application/json")
        #expect(context.metrics.counts.requests == 1)
        #expect(context.metrics.counts.retries == 0)
    }

    @Test func retriesATruncatedBodyAnd5xxAndA429ThenSucceeds() async throws {
        let script = Script([.success(.json(#"{"users": ["ada""#)),
                             .success(CannedTransport.Answer(status: 503, body: Data())),
                             .success(CannedTransport.Answer(status: 429, body: Data(), headers: ["Retry-After": "0"])),
                             .success(Self.ok)])
        let (client, context) = Self.client(script)
        #expect(try await client.get("/users", as: Users.self).users.count == 2)
        #expect(script.sent.count == 4)
        #expect(context.metrics.counts.requests == 4)
        #expect(context.metrics.counts.retries == 3)
        #expect(context.metrics.counts.rateLimited == 1)
    }

    @Test func stopsAtTheAttemptLimit() async throws {
        let script = Script(Array(repeating: .success(CannedTransport.Answer(status: 502, body: Data())), count: 5))
        let (client, _) = Self.client(script, maxAttempts: 3)
        await #expect(throws: ConnectorError.requestFailed(endpoint: "GET /users", status: 502, message: "still failing after 3 attempts")) {
            try await client.get("/users", as: Users.self)
        }
        #expect(script.sent.count == 3)
    }

    @Test func a401IsFinalAndNamesTheCredentialWithoutTheSecret() async throws {
        let script = Script([.success(CannedTransport.Answer(status: 401, body: Data("bad sekret-key".utf8))), .success(Self.ok)])
        let (client, _) = Self.client(script)
        await #expect(throws: ConnectorError.unauthenticated(
            host: "acme.aha.io", message: "the API key was rejected by acme.aha.io (HTTP 401 on GET /users)")) {
            try await client.get("/users", as: Users.self)
        }
        #expect(script.sent.count == 1)
    }

    @Test func anUnresolvableHostIsNotRetried() async throws {
        let script = Script([.failure(URLError(.cannotFindHost)), .success(Self.ok)])
        let (client, _) = Self.client(script)
        do {
            _ = try await client.get("/users", as: Users.self)
            Issue.record("an unresolvable host was retried into success")
        } catch let error as ConnectorError {
            #expect(error.kind == .unreachable)
        }
        #expect(script.sent.count == 1)
    }

    @Test func aRawAPIKeyIsSentAsItIs() async throws {
        let script = Script([.success(Self.ok)])
        let (client, _) = Self.client(script, authorization: "sekret-key")
        _ = try await client.get("/users", as: Users.self)
        #expect(script.sent.first?.value(forHTTPHeaderField: "Authorization") == "sekret-key")
    }
}
