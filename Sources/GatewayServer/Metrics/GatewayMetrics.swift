import GatewayModel
import Prometheus
import Synchronization

/// What gatewayd counts for an operator to watch and alert on, served as `GET /metrics` in the
/// Prometheus text format (docs/operations.md, "Metrics").
///
/// Each gateway has its own registry rather than the process-wide `MetricsSystem`: several
/// gateways run in one test process, and each scrape must show exactly its own traffic.
/// Label values are bounded (``LabelBound``): keys are never a label, and teams and models past
/// a cap are counted under `other`, so a client sending made-up model names cannot grow the
/// scrape without end.
public final class GatewayMetrics: Sendable {
    /// Where the series live; `text()` renders it.
    public let registry = PrometheusCollectorRegistry()
    private let teams: LabelBound
    private let models: LabelBound
    private let providers: LabelBound
    private let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120),
    ]

    /// - Parameters:
    ///   - maxTeams: distinct `team` label values before the rest count as `other`.
    ///   - maxModels: distinct `model` label values before the rest count as `other`.
    public init(maxTeams: Int = 1_000, maxModels: Int = 500, maxProviders: Int = 200) {
        teams = LabelBound(capacity: maxTeams)
        models = LabelBound(capacity: maxModels)
        providers = LabelBound(capacity: maxProviders)
    }

    /// The labels of a served request's series: the key of ``servedSeries``.
    private struct ServedLabels: Hashable {
        var route: DataPlaneRoute
        var team: String
        var model: String
        var provider: String
        var credential: UsageRecord.CredentialKind
    }

    /// The labels of a latency histogram's series: the key of ``histogramSeries``.
    private struct HistogramLabels: Hashable {
        var name: String
        var provider: String
    }

    /// The series a served request touches, found once and then kept: the registry builds each
    /// series' name and looks it up under its lock on every call, which showed in the profile of
    /// a loaded gatewayd (BENCHMARKS.md, "Data plane"). Only series whose labels are the values
    /// themselves are kept (past a cap many values share `other`'s), so these are bounded as the
    /// labels are (``LabelBound``).
    private let servedSeries = Mutex<[ServedLabels: Counter]>([:])
    private let histogramSeries = Mutex<[HistogramLabels: DurationHistogram]>([:])

    /// A data-plane request answered by a provider.
    func served(
        route: DataPlaneRoute, team: String, model: String, provider: String, credential: UsageRecord.CredentialKind
    ) {
        let labels = ServedLabels(route: route, team: team, model: model, provider: provider, credential: credential)
        if let counter = servedSeries.withLock({ $0[labels] }) { return counter.increment() }
        let (teamLabel, modelLabel, providerLabel) = (teams.label(team), models.label(model), providers.label(provider))
        let counter = registry.makeCounter(
            descriptor: Self.describe(
                "gatewayd_requests_total",
                "Data-plane requests by route, team, model, provider, credential kind and HTTP status."),
            labels: [
                ("route", route.label), ("team", teamLabel), ("model", modelLabel), ("provider", providerLabel),
                ("credential", credential.rawValue), ("code", "200"),
            ])
        if teamLabel == team, modelLabel == model, providerLabel == provider {
            servedSeries.withLock { $0[labels] = counter }
        }
        counter.increment()
    }

    /// A data-plane request refused by a layer of admission, or by the providers.
    func refused(route: DataPlaneRoute, team: String?, model: String?, refusal: Refusal) {
        registry.makeCounter(
            descriptor: Self.describe(
                "gatewayd_requests_total",
                "Data-plane requests by route, team, model, provider, credential kind and HTTP status."),
            labels: [
                ("route", route.label), ("team", team.map(teams.label) ?? "none"),
                ("model", model.map(models.label) ?? "none"), ("provider", "none"), ("credential", "none"),
                ("code", String(refusal.status)),
            ]
        ).increment()
        registry.makeCounter(
            descriptor: Self.describe(
                "gatewayd_refusals_total",
                "Refused data-plane requests by the admission layer that refused and the error code."),
            labels: [("layer", refusal.layer.rawValue), ("code", refusal.code.rawValue)]
        ).increment()
    }

    /// How long a provider took to answer: the whole answer, or a stream's headers.
    func upstream(provider: String, took duration: Duration) {
        record(
            duration, provider: provider, in: "gatewayd_upstream_duration_seconds",
            help: "Seconds from calling a provider to its answer (a stream: to its response headers).")
    }

    /// How long a streamed answer took to send its first event, from the call to the provider.
    func firstToken(provider: String, after duration: Duration) {
        record(
            duration, provider: provider, in: "gatewayd_time_to_first_token_seconds",
            help: "Seconds from calling a provider to the first event of its stream.")
    }

    private func record(_ duration: Duration, provider: String, in name: String, help: String) {
        let labels = HistogramLabels(name: name, provider: provider)
        if let histogram = histogramSeries.withLock({ $0[labels] }) { return histogram.record(duration) }
        let providerLabel = providers.label(provider)
        let histogram = registry.makeDurationHistogram(
            descriptor: Self.describe(name, help), labels: [("provider", providerLabel)], buckets: latencyBuckets)
        if providerLabel == provider { histogramSeries.withLock { $0[labels] = histogram } }
        histogram.record(duration)
    }

    /// A candidate failed and the request went on to the next one.
    func fellBack(from provider: String) {
        registry.makeCounter(
            descriptor: Self.describe(
                "gatewayd_fallbacks_total",
                "Candidates that failed and were passed over for the next, by the provider that failed."),
            labels: [("provider", providers.label(provider))]
        ).increment()
    }

    /// A changeset posted to the admin API, by how it ended.
    func changeset(_ outcome: ChangesetOutcome) {
        registry.makeCounter(
            descriptor: Self.describe(
                "gatewayd_changesets_total",
                "Changesets posted to the admin API, by outcome: applied, or refused (invalid, stale, or the store failed)."
            ), labels: [("outcome", outcome.rawValue)]
        ).increment()
    }

    /// How a posted changeset ended.
    enum ChangesetOutcome: String, Sendable {
        case applied, refused
    }

    /// The state this instance serves, set just before each scrape.
    func state(revision: Int64?, sinceLastRead: Duration?) {
        registry.makeGauge(
            descriptor: Self.describe(
                "gatewayd_state_revision", "The state revision this instance serves (-1: none read yet).")
        ).set(revision.map(Double.init) ?? -1)
        registry.makeGauge(
            descriptor: Self.describe(
                "gatewayd_state_read_age_seconds",
                "Seconds since this instance last read the state store successfully: how far it may lag another instance's change."
            )
        ).set(sinceLastRead.map(\.seconds) ?? -1)
    }

    /// The credits a team has left, in US dollars, set just before each scrape.
    func credits(team: String, remainingMicroUSD: Int64) {
        registry.makeGauge(
            descriptor: Self.describe(
                "gatewayd_team_credits_remaining_usd",
                "Credits a team has left for requests on system credentials, in US dollars."),
            labels: [("team", teams.label(team))]
        ).set(Double(remainingMicroUSD) / 1_000_000)
    }

    /// A metric's name and help text. The registry takes a descriptor made per call: the type is
    /// not `Sendable`, so it cannot be held in a constant.
    private static func describe(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Every series in the Prometheus text exposition format.
    public func text() -> [UInt8] { registry.emitToBuffer() }
}

extension DataPlaneRoute {
    /// The route as a metrics label.
    var label: String {
        switch self {
        case .chatCompletions: "chat_completions"
        case .messages: "messages"
        case .responses: "responses"
        case .embeddings: "embeddings"
        case .models: "models"
        case .credits: "credits"
        }
    }
}

extension Duration {
    /// The duration in seconds, as a metric value.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
