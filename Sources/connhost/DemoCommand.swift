enum DemoCommand: Command {
    static let name = "demo"
    static let summary = "Start a local fake tenant and sync it"
    static let usage = "connhost demo [aha|codefresh]"
    static let options = [CommonOptions.help]
    static func run(_ arguments: [String], _ invocation: Invocation) async throws -> Int32 { 2 }
}
