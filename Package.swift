// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "gwctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gwctl", targets: ["gwctl"]),
        .executable(name: "gwbench", targets: ["gwbench"]),
        .executable(name: "gatewayd", targets: ["gatewayd"]),
        .library(name: "ManifestKit", targets: ["ManifestKit"]),
        .library(name: "GatewayModel", targets: ["GatewayModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
    ],
    targets: [
        // libyaml, linked from the system (Debian: libyaml-dev).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // Our event → node layer over libyaml: positions, YAML 1.2 core typing, duplicate keys, alias caps.
        .target(name: "YAMLCore", dependencies: ["CYAML"]),
        // Which build this is (version, commit), for --version; scripts/package sets it for a release.
        .target(name: "ReleaseInfo"),
        // Sendable value types of the domain; no dependencies.
        .target(name: "GatewayModel"),
        // Manifests → DesiredState: loading, validation, diagnostics, JSON Schema.
        .target(name: "ManifestKit", dependencies: ["YAMLCore", "GatewayModel"]),
        // Fingerprints of secrets, secure random bytes, constant-time comparison.
        .target(
            name: "GatewayCrypto",
            dependencies: ["GatewayModel", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Desired state against live state: the pure diff, ordering, rendering and plan files.
        .target(name: "GatewayPlan", dependencies: ["GatewayModel", "GatewayCrypto"]),
        // The gateway's state: the store protocol, SQLite (GRDB), secrets at rest, changesets.
        .target(
            name: "GatewayStore",
            dependencies: [
                "GatewayModel", "GatewayCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The same store in PostgreSQL (postgres-nio), for several gatewayd instances sharing one state.
        .target(
            name: "GatewayStorePostgres",
            dependencies: [
                "GatewayStore", "GatewayModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Wire types and client generated from schemas/admin-api.yaml (the spec is symlinked in).
        .target(
            name: "AdminAPI",
            dependencies: [
                "GatewayModel",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The data plane's logic: admission, routing, provider adapters, format translation.
        .target(
            name: "GatewayCore",
            dependencies: [
                "GatewayModel", "GatewayCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // A provider stand-in speaking the OpenAI and Anthropic formats, for tests and benchmarks.
        // The audit and the plan-time lint: findings over a configuration, and what each key can reach.
        .target(name: "PolicyAudit", dependencies: ["GatewayModel", "GatewayCore", "GatewayPlan"]),
        .target(
            name: "MockUpstream",
            dependencies: [
                "GatewayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // gatewayd's HTTP wiring: the admin API over the store, authentication, errors.
        .target(
            name: "GatewayServer",
            dependencies: [
                "AdminAPI", "GatewayStore", "GatewayModel", "GatewayCrypto", "GatewayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "gatewayd",
            dependencies: [
                "GatewayServer", "GatewayStore", "GatewayStorePostgres", "ReleaseInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // gwctl's logic: targets, plan sessions, minted keys; the executable only parses arguments.
        .target(
            name: "GwctlCore",
            dependencies: [
                "ManifestKit", "GatewayPlan", "GatewayStore", "GatewayCore", "AdminAPI", "GatewayModel", "PolicyAudit",
            ]
        ),
        .executableTarget(
            name: "gwctl",
            dependencies: [
                "ManifestKit", "GwctlCore", "GatewayPlan", "GatewayModel", "PolicyAudit", "ReleaseInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "gwbench",
            dependencies: [
                "ManifestKit", "GatewayModel", "GatewayStore", "GatewayServer", "AdminAPI", "GatewayPlan", "GwctlCore",
                "PolicyAudit", "GatewayStorePostgres", "MockUpstream",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        // Shared by test targets only: the package root, golden files, running built executables.
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        // Shared by the store's and the server's suites: sample records, store backends, scratch states.
        .target(
            name: "StoreFixtures",
            dependencies: [
                "GatewayModel", "GatewayStore", "GatewayStorePostgres", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/StoreFixtures"
        ),
        .testTarget(name: "YAMLCoreTests", dependencies: ["YAMLCore", "TestSupport"]),
        .testTarget(
            name: "GatewayCoreTests",
            dependencies: [
                "GatewayCore", "GatewayModel", "GatewayCrypto", "TestSupport", "MockUpstream",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "GatewayModelTests", dependencies: ["GatewayModel", "TestSupport"]),
        .testTarget(name: "GatewayCryptoTests", dependencies: ["GatewayCrypto", "GatewayModel"]),
        .testTarget(name: "GwctlCoreTests", dependencies: ["GwctlCore", "GatewayModel", "GatewayPlan", "TestSupport"]),
        .testTarget(name: "ManifestKitTests", dependencies: ["ManifestKit", "GatewayModel", "TestSupport"]),
        .testTarget(
            name: "PolicyAuditTests",
            dependencies: ["PolicyAudit", "GwctlCore", "GatewayPlan", "ManifestKit", "GatewayModel", "TestSupport"]
        ),
        .testTarget(
            name: "GwctlTests",
            dependencies: [
                "ManifestKit", "GatewayModel", "TestSupport", "AdminAPI", "MockUpstream",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "GatewayPlanTests",
            dependencies: [
                "GatewayPlan", "GatewayModel", "GatewayCrypto", "ManifestKit", "GatewayStore", "TestSupport",
            ]
        ),
        .testTarget(
            name: "GatewayStoreTests",
            dependencies: [
                "GatewayStore", "GatewayStorePostgres", "GatewayModel", "GatewayCrypto", "TestSupport", "StoreFixtures",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "GatewayServerTests",
            dependencies: [
                "GatewayServer", "GatewayStore", "GatewayStorePostgres", "GatewayCore", "GwctlCore", "AdminAPI",
                "GatewayModel", "GatewayCrypto", "ReleaseInfo",
                "TestSupport", "StoreFixtures", "YAMLCore", "MockUpstream",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
