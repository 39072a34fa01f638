// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SplitPlan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "splitplan", targets: ["splitplan"]),
        .executable(name: "splitplan-bench", targets: ["SplitPlanBenchmarks"]),
        .executable(name: "splitplan-fuzz", targets: ["SplitPlanFuzz"]),
        .library(name: "ClusterModel", targets: ["ClusterModel"]),
        .library(name: "Throughput", targets: ["Throughput"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "ClusterModel", exclude: ["README.md"]),
        .target(name: "Throughput", dependencies: ["ClusterModel"], exclude: ["README.md"]),
        .target(name: "Reporting", exclude: ["README.md"]),
        .target(name: "CGLPK", exclude: ["README.md"], linkerSettings: [.linkedLibrary("glpk")]),
        .target(name: "Optimization", dependencies: ["ClusterModel", "Throughput"], exclude: ["README.md"]),
        .target(name: "GLPKBackend", dependencies: ["Optimization", "CGLPK"], exclude: ["README.md"]),
        // The engine's state lives in one class; release builds skip the runtime exclusivity checks on its
        // properties (about a sixth of the event loop's time), debug builds keep them.
        .target(name: "Simulation", dependencies: ["ClusterModel", "Throughput"], exclude: ["README.md"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "Planning", dependencies: ["ClusterModel", "Throughput", "Optimization", "Simulation"], exclude: ["README.md"]),
        .target(
            name: "SplitPlanCLI",
            dependencies: [
                "ClusterModel", "Throughput", "Reporting", "Optimization", "GLPKBackend", "Simulation", "Planning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(name: "splitplan", dependencies: ["SplitPlanCLI"]),
        .executableTarget(name: "SplitPlanBenchmarks", dependencies: ["ClusterModel", "Throughput", "Optimization", "GLPKBackend", "Simulation", "Planning"]),
        .executableTarget(name: "SplitPlanFuzz", dependencies: ["ClusterModel", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                         exclude: ["README.md"]),
        .testTarget(name: "ClusterModelTests", dependencies: ["ClusterModel"]),
        .testTarget(name: "ThroughputTests", dependencies: ["ClusterModel", "Throughput"]),
        .testTarget(name: "OptimizationTests", dependencies: ["ClusterModel", "Throughput", "Optimization", "GLPKBackend"]),
        .testTarget(name: "SimulationTests", dependencies: ["ClusterModel", "Throughput", "Simulation"]),
        .testTarget(name: "SplitPlanCLITests", dependencies: ["SplitPlanCLI", "ClusterModel", "Reporting", "Planning"]),
    ]
)
