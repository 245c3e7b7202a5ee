import Foundation

/// Runs blocking `work` (a socket read, a blocking C call) on a thread of its own and
/// awaits its result, so the caller holds no thread of the cooperative pool meanwhile.
public func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
