import Foundation
import GatewayModel
import GatewayStore
import Logging
import PostgresNIO

/// The integrity check's answers, fetched in a few batched queries after a changeset's writes
/// (inside its transaction) rather than one round trip per question.
struct PostgresReferenceFacts: ReferenceFacts {
    var existing: Set<ResourceRef> = []
    var credentialsByTeam: [String: [String]] = [:]
    var keysByTeam: [String: [String]] = [:]
    var credentialsByProvider: [String: [String]] = [:]
    var teamsByProvider: [String: [String]] = [:]
    var allRules: [RuleRecord] = []
    var allIssuers: [IssuerRecord] = []

    func exists(_ ref: ResourceRef) throws -> Bool { existing.contains(ref) }
    func credentials(ofTeam team: String) throws -> [String] { credentialsByTeam[team] ?? [] }
    func apiKeys(ofTeam team: String) throws -> [String] { keysByTeam[team] ?? [] }
    func credentials(usingProvider provider: String) throws -> [String] { credentialsByProvider[provider] ?? [] }
    func teams(allowingProvider provider: String) throws -> [String] { teamsByProvider[provider] ?? [] }
    func rules() throws -> [RuleRecord] { allRules }
    func issuers() throws -> [IssuerRecord] { allIssuers }

    /// Everything the check will ask about `changeset`.
    static func load(
        for changeset: Changeset, on connection: PostgresConnection, logger: Logger
    ) async throws -> PostgresReferenceFacts {
        var facts = PostgresReferenceFacts()
        let references = changeset.operations.flatMap {
            IntegrityCheck<PostgresReferenceFacts>.references(of: $0).references.map(\.ref)
        }
        for (kind, refs) in Dictionary(grouping: Set(references), by: \.kind) {
            facts.existing.formUnion(
                try await PostgresRows.existing(Array(refs), kind: kind, on: connection, logger: logger).keys)
        }
        let deleted = changeset.operations.filter { $0.op == .delete }.map(\.target)
        let teams = deleted.filter { $0.kind == .team }.map(\.name)
        let providers = deleted.filter { $0.kind == .provider }.map(\.name)
        func pairs(_ sql: String, _ names: [String]) async throws -> [String: [String]] {
            guard !names.isEmpty else { return [:] }
            var binds = PostgresBindings()
            binds.append(names)
            var result: [String: [String]] = [:]
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for try await (owner, name) in rows.decode((String, String).self) {
                result[owner, default: []].append(name)
            }
            return result
        }
        facts.credentialsByTeam = try await pairs(
            "SELECT team, name FROM credentials WHERE team = ANY($1::text[]) ORDER BY name COLLATE \"C\"", teams)
        facts.keysByTeam = try await pairs(
            "SELECT team, name FROM api_keys WHERE team = ANY($1::text[]) ORDER BY name COLLATE \"C\"", teams)
        facts.credentialsByProvider = try await pairs(
            """
            SELECT provider, team || '/' || name FROM credentials WHERE provider = ANY($1::text[])
            ORDER BY team COLLATE "C", name COLLATE "C"
            """, providers)
        facts.teamsByProvider = try await pairs(
            """
            SELECT allowed.provider, teams.name FROM teams,
                jsonb_array_elements_text(
                    CASE WHEN jsonb_typeof(teams.spec::jsonb -> 'providers') = 'array'
                    THEN teams.spec::jsonb -> 'providers' ELSE '[]'::jsonb END) AS allowed(provider)
            WHERE allowed.provider = ANY($1::text[]) ORDER BY teams.name COLLATE "C"
            """, providers)
        let touchesIssuers = changeset.operations.contains { $0.target.kind == .issuer }
        let namesKeys = changeset.operations.contains { $0.payload?.rule?.match.keys != nil }
        if touchesIssuers || namesKeys || deleted.contains(where: { $0.kind == .team }) {
            let decoder = JSONDecoder()
            for try await spec in try await connection.query("SELECT spec FROM issuers", logger: logger).decode(
                String.self)
            {
                facts.allIssuers.append(try decoder.decode(IssuerRecord.self, from: Data(spec.utf8)))
            }
        }
        if touchesIssuers || deleted.contains(where: { $0.kind == .team || $0.kind == .provider || $0.kind == .apiKey })
        {
            let decoder = JSONDecoder()
            for try await spec in try await connection.query("SELECT spec FROM rules", logger: logger).decode(
                String.self)
            {
                facts.allRules.append(try decoder.decode(RuleRecord.self, from: Data(spec.utf8)))
            }
        }
        return facts
    }
}
