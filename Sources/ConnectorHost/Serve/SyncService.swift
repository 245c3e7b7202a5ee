import Foundation
import Synchronization

/// `connhost serve`'s loop: starts each scheduled instance when ``SchedulerPlan`` says it is
/// due, at most `maxConcurrent` at once and never two runs of one instance, records every
/// run, and answers `/healthz`, `/metrics` and the status page.
///
/// It stops on ``stop()`` (SIGTERM, SIGINT): no new runs; the running ones are cancelled,
/// which aborts their sinks (earlier snapshots stay as they were) and records them as
/// interrupted. ``reload(_:)`` (SIGHUP) takes a new configuration; one that does not load
/// is logged and the old one kept.
public actor SyncService {
    /// One scheduled instance, ready to run.
    public struct Scheduled: Sendable {
        public var target: ConnectorTarget
        public var schedule: Schedule
    }

    /// Everything a configuration gives the service; made again on reload.
    public struct Setup: Sendable {
        public var instances: [String: Scheduled]
        /// Why an instance is not scheduled (its config does not resolve, its plugin is missing…).
        public var skipped: [String: String]
    }

    private enum Event: Sendable { case wake, finished(String, InstanceRunner.Outcome), reload(Setup), stop }

    private let runner: InstanceRunner
    private let options: SyncOptions
    private let environment: [String: String]
    private let log: ServeLog
    private var setup: Setup
    private var plan: SchedulerPlan
    private var running: [String: Task<InstanceRunner.Outcome, Never>] = [:]
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation
    private let published: Mutex<StatusSnapshot>

    /// What the HTTP thread reads: the instances and when they run, kept current by the loop.
    struct StatusSnapshot: Sendable {
        var instances: [(name: String, plugin: String, schedule: String)] = []
        var running: Set<String> = []
        var next: [String: Date] = [:]
        var skipped: [String: String] = [:]
        var serving = true
    }

    /// A service for `setup`, recording into `runner`'s history.
    public init(setup: Setup, runner: InstanceRunner, options: SyncOptions, environment: [String: String],
                maxConcurrent: Int, log: ServeLog, now: Date = Date()) {
        self.setup = setup
        self.runner = runner
        self.options = options
        self.environment = environment
        self.log = log
        plan = SchedulerPlan(schedules: setup.instances.mapValues(\.schedule), maxConcurrent: maxConcurrent, now: now)
        (events, sink) = AsyncStream.makeStream(of: Event.self)
        published = Mutex(StatusSnapshot())
    }

    /// Makes the setup of `configuration`: each instance with a schedule, its plugin from
    /// `catalog`; instances that cannot run are in `skipped` with the reason.
    public static func setup(_ configuration: HostConfiguration, catalog: PluginCatalog) -> Setup {
        var setup = Setup(instances: [:], skipped: [:])
        for name in configuration.connectors.keys.sorted() {
            guard let text = configuration.connectors[name]?.schedule else { continue }
            do {
                setup.instances[name] = Scheduled(target: try catalog.target(named: name), schedule: try Schedule(text))
            } catch {
                setup.skipped[name] = ErrorReport.message(for: error)
            }
        }
        return setup
    }

    /// Runs until ``stop()``; returns once every run has ended and been recorded.
    public func run() async {
        publish()
        for (name, reason) in setup.skipped.sorted(by: { $0.key < $1.key }) { log.skipped(name, reason: reason) }
        var timer: Task<Void, Never>?
        startDue()
        timer = arm()
        for await event in events {
            switch event {
            case .wake:
                break
            case .finished(let name, let outcome):
                running[name] = nil
                plan.finished(name)
                log.ended(name, outcome: outcome)
            case .reload(let new):
                setup = new
                plan.reschedule(new.instances.mapValues(\.schedule), now: Date())
                log.reloaded(instances: new.instances.count, skipped: new.skipped)
            case .stop:
                timer?.cancel()
                await drain()
                return
            }
            startDue()
            timer?.cancel()
            timer = arm()
            publish()
        }
    }

    /// Asks the loop to stop (safe from any thread or signal source).
    public nonisolated func stop() {
        sink.yield(.stop)
    }

    /// Asks the loop to take `setup` (safe from any thread).
    public nonisolated func reload(_ setup: Setup) {
        sink.yield(.reload(setup))
    }

    private func startDue() {
        let now = Date()
        let dues = Dictionary(uniqueKeysWithValues: setup.instances.keys.compactMap { name in plan.nextRun(of: name).map { (name, $0) } })
        for name in plan.start(at: now) {
            guard let scheduled = setup.instances[name] else { plan.finished(name); continue }
            let connector: ConfiguredPlugin
            do {
                let config = try ConfigResolver(flags: [:], environment: environment, hostConfiguration: HostConfiguration())
                    .resolve(scheduled.target.plugin.metadata, instance: scheduled.target.instance, fieldVariables: false)
                connector = ConfiguredPlugin(plugin: scheduled.target.plugin, config: config, options: options, name: name,
                                             credentialName: scheduled.target.credentialName)
            } catch {
                plan.finished(name)
                log.skipped(name, reason: ErrorReport.message(for: error))
                continue
            }
            log.started(name, delay: dues[name].map { max(0, now.timeIntervalSince($0)) } ?? 0)
            let runner = self.runner, sink = self.sink
            running[name] = Task {
                let outcome = await runner.run(connector)
                sink.yield(.finished(name, outcome))
                return outcome
            }
        }
    }

    /// A wake-up at the plan's next due time (none while every slot is taken).
    private func arm() -> Task<Void, Never>? {
        guard let next = plan.nextWake else { return nil }
        let sink = self.sink
        return Task {
            let delay = max(0, next.timeIntervalSinceNow)
            try? await Task.sleep(for: .milliseconds(Int64(delay * 1000) + 1))
            if !Task.isCancelled { sink.yield(.wake) }
        }
    }

    /// Cancels the running syncs and waits for each to be recorded.
    private func drain() async {
        published.withLock { $0.serving = false }
        for task in running.values { task.cancel() }
        for (name, task) in running.sorted(by: { $0.key < $1.key }) {
            log.ended(name, outcome: await task.value)
        }
        running = [:]
        publish()
    }

    private func publish() {
        let instances = setup.instances.keys.sorted().compactMap { name in
            setup.instances[name].map { (name, $0.target.plugin.metadata.name, $0.schedule.description) }
        }
        let next = Dictionary(uniqueKeysWithValues: setup.instances.keys.compactMap { name in plan.nextRun(of: name).map { (name, $0) } })
        let running = Set(self.running.keys), skipped = setup.skipped
        published.withLock {
            $0.instances = instances
            $0.running = running
            $0.next = next
            $0.skipped = skipped
        }
    }

    /// The status for the HTTP thread.
    nonisolated var status: StatusSnapshot { published.withLock { $0 } }
}
