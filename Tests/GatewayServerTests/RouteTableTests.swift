import GatewayServer
import TestSupport
import Testing
import YAMLCore

@Suite("Admin route table")
struct RouteTableTests {
    @Test func routeTableMatchesTheOpenAPISpec() throws {
        let stream = YAMLParser.parse(try PackageRoot.read("schemas/admin-api.yaml"))
        #expect(stream.problems.isEmpty)
        let paths = try #require(stream.documents.first?.root["paths"]?.mapping)
        var spec: [String: Set<String>] = [:]
        for pair in paths {
            let methods = (pair.value.mapping ?? []).compactMap(\.key.scalar?.text).map { $0.uppercased() }
            spec[pair.key.scalar?.text ?? ""] = Set(methods)
        }
        var table: [String: Set<String>] = [:]
        for route in RouteTable.admin.routes { table[route.path] = Set(route.methods.map(\.rawValue)) }
        #expect(table == spec)
    }
}
