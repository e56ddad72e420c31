import GRDB
import GatewayModel

/// A usage record's route as the `usage_routes` table keys it: what a replay decides alike.
struct TrafficRoute: Hashable {
    var team: String
    var key: String
    var requestedModel: String
    var endpoint: String
    var provider: String
    var credentialKind: String
    /// Empty for none: the table's unique key needs a value.
    var credentialName: String

    init(_ usage: UsageRecord) {
        team = usage.team
        key = usage.key
        requestedModel = usage.requestedModel ?? usage.model
        endpoint = (usage.endpoint ?? .chat).rawValue
        provider = usage.provider
        credentialKind = usage.credentialKind.rawValue
        credentialName = usage.credentialName ?? ""
    }

    var arguments: StatementArguments {
        [team, key, requestedModel, endpoint, provider, credentialKind, credentialName]
    }
}
