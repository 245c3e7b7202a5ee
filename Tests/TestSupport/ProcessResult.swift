/// What a finished child process left.
public struct ProcessResult: Sendable {
    public var status: Int32
    /// Killed by a signal (`status` is then the signal number).
    public var signaled: Bool
    public var stdout: String
    public var stderr: String
    /// Killed by the test's own time limit.
    public var timedOut: Bool

    public init(status: Int32, signaled: Bool, stdout: String, stderr: String, timedOut: Bool = false) {
        self.status = status
        self.signaled = signaled
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
    }

    /// Both streams, for "was the secret printed anywhere" checks.
    public var output: String { stdout + stderr }
}
