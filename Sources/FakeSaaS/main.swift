import Foundation
import Glibc

// FakeSaaS: loopback Aha!- and Codefresh-shaped tenants for tests, the demo and
// benchmarks. Contract: stdout carries exactly one line, the base URL, printed once
// the server accepts connections (and after --truth is written); diagnostics go to
// stderr; the process always ends by itself after --max-seconds, and when stdin is a
// pipe, once that pipe closes.

let options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    if error.description == "help" {
        print(Options.usage)
        exit(0)
    }
    FileHandle.standardError.write(Data("FakeSaaS: \(error.description) (FakeSaaS --help lists the options)\n".utf8))
    exit(2)
}

signal(SIGPIPE, SIG_IGN)
// A parent that spawned us from a thread blocking SIGTERM (a Dispatch or Swift
// concurrency worker does) passed that mask on: without this, SIGTERM would never arrive.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
signal(SIGTERM) { _ in _exit(0) }
signal(SIGINT) { _ in _exit(0) }

let tenant: any Tenant
switch options.mode {
case .aha:
    let dataset = AhaDataset.generate(seed: options.seed, sizes: .init(
        users: options.users, extraUsers: options.extraUsers, teams: options.teams,
        virtualUsers: options.virtualUsers, dropMember: options.dropMember,
        hostileNames: options.hostileNames))
    tenant = AhaTenant(dataset: dataset, apiKey: options.apiKey, maxPerPage: options.pageSizeMax,
                       listsMembers: !options.unlistedMembers,
                       oauth: OAuthServer(registration: options.oauth))
case .codefresh:
    let dataset = CodefreshDataset.generate(seed: options.seed, users: options.users,
                                            accounts: options.accounts, noActiveAccount: options.noActiveAccount)
    tenant = CodefreshTenant(dataset: dataset, apiKey: options.apiKey)
}

let service = FakeService(tenant: tenant, traffic: TrafficControl(limits: options.limits), faults: options.faults,
                          latency: options.latency, hold: RequestHold(after: options.holdAfter))

let server: HTTPServer
do {
    server = try HTTPServer(port: options.port)
} catch {
    FileHandle.standardError.write(Data("FakeSaaS: \(error)\n".utf8))
    exit(1)
}

if let path = options.truthPath {
    do {
        try Data(service.truthJSON()).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        FileHandle.standardError.write(Data("FakeSaaS: cannot write --truth \(path): \(error.localizedDescription)\n".utf8))
        exit(1)
    }
}

// The hard deadline: a forgotten fake never outlives its test run.
let deadline = Thread {
    Thread.sleep(forTimeInterval: options.maxSeconds)
    _exit(0)
}
deadline.start()

// A parent that hands us a pipe as stdin (FakeTenantProcess does) ends us by going away:
// a test process that dies leaves no fake behind for --max-seconds.
var stdinStatus = stat()
if fstat(0, &stdinStatus) == 0 && (stdinStatus.st_mode & S_IFMT) == S_IFIFO {
    Thread.detachNewThread {
        var byte: UInt8 = 0
        while true {
            let count = read(0, &byte, 1)
            if count == 0 || (count < 0 && errno != EINTR) { _exit(0) }
        }
    }
}

print("http://127.0.0.1:\(server.port)")
fflush(stdout)

server.serve { request in service.respond(to: request) }
