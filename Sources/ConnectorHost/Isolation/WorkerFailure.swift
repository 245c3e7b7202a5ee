/// A failure reported by, or about, an isolated worker process.
public struct WorkerFailure: Error, CustomStringConvertible {
    /// The exit status the host should use.
    public var status: Int32
    /// The message to print.
    public var message: String
    public var description: String { message }
}
