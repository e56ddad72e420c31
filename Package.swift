// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "gwctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gwctl", targets: ["gwctl"]),
        .executable(name: "gwbench", targets: ["gwbench"]),
        .library(name: "ManifestKit", targets: ["ManifestKit"]),
        .library(name: "GatewayModel", targets: ["GatewayModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
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
        // Sendable value types of the domain; no dependencies.
        .target(name: "GatewayModel"),
        // Manifests → DesiredState: loading, validation, diagnostics, JSON Schema.
        .target(name: "ManifestKit", dependencies: ["YAMLCore", "GatewayModel"]),
        .executableTarget(
            name: "gwctl",
            dependencies: [
                "ManifestKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "gwbench",
            dependencies: [
                "ManifestKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by test targets only: the package root, golden files, running built executables.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "YAMLCoreTests", dependencies: ["YAMLCore", "TestSupport"]),
        .testTarget(name: "ManifestKitTests", dependencies: ["ManifestKit", "GatewayModel", "TestSupport"]),
        .testTarget(name: "GwctlTests", dependencies: ["ManifestKit", "GatewayModel", "TestSupport"]),
    ]
)
