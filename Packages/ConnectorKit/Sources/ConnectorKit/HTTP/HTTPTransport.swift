import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one HTTP request and returns what came back: the seam between ``HTTPClient`` and
/// the network.
///
/// The client's default sends through an ephemeral `URLSession`. Self-tests and unit tests
/// pass a ``CannedTransport`` instead, so that a plugin's real client, paging and mapping
/// run on recorded answers with no network.
///
/// ## Implementation requirements
/// - Throw `URLError`s for transport failures (the client decides from their codes whether
///   to retry), and `CancellationError` when cancelled.
/// - Never retry: the client counts attempts, waits for the rate limiter and backs off.
public protocol HTTPTransport: Sendable {
    /// Sends `request`; returns the body and the response (an `HTTPURLResponse` for HTTP).
    func send(_ request: URLRequest) async throws -> (Data, URLResponse)
}

/// The network: an ephemeral `URLSession` with the context's timeouts and concurrency.
struct SessionTransport: HTTPTransport {
    let session: URLSession

    init(context: ConnectorContext) {
        let configuration = EphemeralSession.configuration()
        configuration.timeoutIntervalForRequest = context.requestTimeout
        configuration.timeoutIntervalForResource = context.requestTimeout * 2
        configuration.httpMaximumConnectionsPerHost = max(2, context.concurrency)
        session = URLSession(configuration: configuration)
    }

    func send(_ request: URLRequest) async throws -> (Data, URLResponse) {
        try await DetachableDataTask.data(for: request, on: session)
    }
}
