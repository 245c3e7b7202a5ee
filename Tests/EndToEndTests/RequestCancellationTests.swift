import ConnectorKit
import Dispatch
import Foundation
import Synchronization
import Testing

/// Requests cancelled while in flight against a real loopback server: every cancelled
/// caller must get control back. FoundationNetworking's own `data(for:)` deadlocked here
/// within a few hundred requests (swift-corelibs-foundation#5412), which is how a sync
/// stopping on a failed page used to hang.
///
/// That deadlock holds every thread of the concurrency pool, so nothing async can report
/// it: a plain thread watches instead and ends the test process with the reason.
@Suite struct RequestCancellationTests {
    @Test func cancellingRequestsInFlightNeverStrandsTheCaller() async throws {
        let tenant = try await FakeTenant("aha", ["--users", "300", "--teams", "2"])
        let context = ConnectorContext(requestTimeout: 30, maxAttempts: 1, concurrency: 16)
        let client = HTTPClient(baseURL: URL(string: tenant.url)!, authorization: "Bearer \(tenant.apiKey)", context: context)
        let total = 1_500
        let finished = Atomic<Int>(0)
        let settled = DispatchSemaphore(value: 0)
        defer { settled.signal() }
        Thread.detachNewThread {
            guard settled.wait(timeout: .now() + 150) == .timedOut else { return }
            FileHandle.standardError.write(Data("""
                RequestCancellationTests: \(finished.load(ordering: .relaxed)) of \(total) cancelled requests returned \
                in 150 s; the cancellation deadlock is back (swift-corelibs-foundation#5412)\n
                """.utf8))
            _exit(1)  // not exit(): its handlers may wait on the stranded threads
        }
        // The work runs unawaited: were a caller stranded, the test must fail, not hang with it.
        Task.detached {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<total {
                    if index >= 16 { await group.next() }
                    group.addTask {
                        let request = Task { _ = try? await client.get("/api/v1/users", query: [("page", "1"), ("per_page", "200")], as: Ignored.self) }
                        try? await Task.sleep(for: .microseconds(Int.random(in: 0...1_500)))
                        request.cancel()
                        await request.value
                        finished.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        let allReturned = await eventually(timeout: 120) { finished.load(ordering: .relaxed) == total }
        #expect(allReturned, "\(finished.load(ordering: .relaxed)) of \(total) cancelled requests returned")
    }

    private struct Ignored: Decodable {}
}
