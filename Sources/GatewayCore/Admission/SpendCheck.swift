import Foundation
import GatewayModel

/// Step 6 of admission: credits and budgets, for the candidates they pay for. A candidate served
/// with BYOK never touches credits, so it is never refused here.
public struct SpendCheck: Sendable {
    public let ledger: any SpendLedger

    public init(ledger: any SpendLedger) {
        self.ledger = ledger
    }

    public func apply(to admission: inout Admission, snapshot: GatewaySnapshot, now: Timestamp) async throws {
        guard admission.isAdmitted, let team = admission.team, let key = admission.key else { return }
        let priced = admission.route.filter { candidate in
            candidate.paidFromCredits && (price(of: candidate, in: snapshot).map { !$0.isFree } ?? false)
        }
        guard !priced.isEmpty else {
            admission.pass(
                .credits,
                admission.route.allSatisfy(\.paidFromCredits)
                    ? "the models are free: credits and budgets are not involved"
                    : "served with BYOK: credits and budgets are not involved")
            return
        }
        guard let refusal = try await refusal(team: team, key: key, now: now) else {
            admission.pass(.credits, "team '\(team.metadata.name)' has credits and budget left")
            return
        }
        let remaining = admission.route.filter { candidate in !priced.contains(candidate) }
        if remaining.isEmpty {
            admission.refuse(refusal)
        } else {
            admission.note(
                .credits,
                "\(refusal.message); skipping \(priced.map(\.provider).joined(separator: ", ")) (paid from credits)")
            admission.route = remaining
        }
    }

    private func refusal(team: TeamRecord, key: APIKeyRecord, now: Timestamp) async throws -> Refusal? {
        let teamName = team.metadata.name
        let balance = try await ledger.balance(team: teamName)
        if balance <= 0 {
            return Refusal(
                code: .insufficientCredits,
                message: "team '\(teamName)' has no credits left (balance \(Money.format(balance)))",
                layer: .credits,
                hint: "grant credits (POST /admin/v1/teams/\(teamName)/credits), or add a BYOK credential to the team")
        }
        let budgets: [(label: String, field: String, key: String?, budget: Budget?)] = [
            ("team '\(teamName)'", "the team's", nil, team.budget),
            ("key '\(teamName)/\(key.name)'", "the key's", key.name, key.budget),
        ]
        for scope in budgets {
            guard let budget = scope.budget else { continue }
            let spent = try await ledger.spend(
                team: teamName, key: scope.key, since: budget.period.start(containing: now))
            let limit = Money.micro(budget.limitUSD)
            if spent >= limit {
                return Refusal(
                    code: .budgetExceeded,
                    message:
                        "\(scope.label) has spent \(Money.format(spent)) of its \(budget.period.rawValue) budget of \(Money.format(limit))",
                    layer: .credits, hint: "raise \(scope.field) budget.limitUSD, or wait for the next period")
            }
        }
        return nil
    }

    private func price(of candidate: RouteCandidate, in snapshot: GatewaySnapshot) -> Pricing? {
        snapshot.offers(of: candidate.model).first { $0.provider.metadata.name == candidate.provider }?.model.pricing
    }
}

extension Pricing {
    /// Whether requests at this price cost nothing.
    var isFree: Bool { inputPerMTokUSD == 0 && outputPerMTokUSD == 0 }

    /// The cost of a request in micro-USD, rounded up so that no paid request is free.
    public func costMicroUSD(inputTokens: Int, outputTokens: Int) -> Int64 {
        // Per million tokens in USD is exactly micro-USD per token.
        let cost = Double(inputTokens) * inputPerMTokUSD + Double(outputTokens) * outputPerMTokUSD
        return Int64(cost.rounded(.up))
    }
}

/// Amounts of money: micro-USD integers, shown as dollars.
enum Money {
    static func micro(_ usd: Double) -> Int64 { Int64((usd * 1_000_000).rounded()) }

    static func format(_ micro: Int64) -> String {
        String(format: "$%.2f", Double(micro) / 1_000_000)
    }
}

extension BudgetPeriod {
    /// The start (UTC) of the period that contains `now`; weeks start on Monday.
    public func start(containing now: Timestamp) -> Timestamp {
        let day = now.seconds >= 0 ? now.seconds / 86_400 : (now.seconds - 86_399) / 86_400
        switch self {
        case .total:
            return Timestamp(seconds: 0)
        case .daily:
            return Timestamp(seconds: day * 86_400)
        case .weekly:
            // 1970-01-01 was a Thursday: Monday-based weekday is (day + 3) mod 7.
            let weekday = ((day + 3) % 7 + 7) % 7
            return Timestamp(seconds: (day - weekday) * 86_400)
        case .monthly:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let date = Date(timeIntervalSince1970: TimeInterval(now.seconds))
            let start = calendar.date(from: calendar.dateComponents([.year, .month], from: date)) ?? date
            return Timestamp(seconds: Int64(start.timeIntervalSince1970))
        }
    }
}
