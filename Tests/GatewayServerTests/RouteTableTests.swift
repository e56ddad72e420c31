import GatewayModel
import GatewayServer
import TestSupport
import Testing
import YAMLCore

@Suite("Admin API spec against the server")
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

    /// `explain` and the data plane's errors return these codes and layers; the spec's enums are
    /// what generated clients accept.
    @Test func refusalCodesAndLayersMatchTheOpenAPISpec() throws {
        let stream = YAMLParser.parse(try PackageRoot.read("schemas/admin-api.yaml"))
        let schemas = try #require(stream.documents.first?.root["components"]?["schemas"])
        func values(_ node: YAMLNode?) -> [String] { (node?.sequence ?? []).compactMap(\.scalar?.text) }
        #expect(values(schemas["Refusal"]?["properties"]?["code"]?["enum"]) == RefusalCode.allCases.map(\.rawValue))
        #expect(values(schemas["AdmissionLayer"]?["enum"]) == AdmissionLayer.allCases.map(\.rawValue))
    }
}
