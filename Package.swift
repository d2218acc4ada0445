// swift-tools-version:6.0
import PackageDescription

// Layers, each used only by those to its right (see docs/design.md):
//   OFLocking (state behind a lock, under every layer that shares state between threads)
//   OFConfig -> OFSigning -> OFTransport -> OFServices -> OFEngine -> OFCABI (liboraclefn.so)
//   OFEmulator and the CLI sit beside OFCABI and are never linked into the library.
let package = Package(
    name: "oraclefn",
    products: [
        .library(name: "oraclefn", type: .dynamic, targets: ["OFCABI"]),
        // The command-line tool; scripts/build.sh installs it as bin/oraclefn
        // (a product cannot share the library's name).
        .executable(name: "oraclefn-cli", targets: ["oraclefn-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "COraclefnTypes", path: "include"),

        .target(name: "OFLocking"),
        .target(name: "OFConfig", dependencies: ["CYAML"]),
        .target(name: "OFSigning", dependencies: ["OFLocking", "OFConfig", "COpenSSL"]),
        .target(name: "OFTransport", dependencies: ["OFLocking", "OFSigning", "CCurl"]),
        .target(name: "OFServices", dependencies: ["OFLocking", "OFTransport"]),
        .target(name: "OFEngine", dependencies: ["OFLocking", "OFServices"]),
        .target(
            name: "OFCABI",
            dependencies: ["OFLocking", "OFConfig", "OFSigning", "OFServices", "OFEngine", "COraclefnTypes"],
            linkerSettings: [
                // Export only ofn_* and give the library a SONAME, liboraclefn.so.<major> (SwiftPM sets none);
                // scripts/install.sh installs it as liboraclefn.so.<version> with the usual symlinks.
                .unsafeFlags([
                    "-Xlinker", "--version-script=\(Context.packageDirectory)/scripts/oraclefn.map",
                    "-Xlinker", "-soname=liboraclefn.so.0",
                ]),
            ]
        ),

        .target(
            name: "OFEmulator",
            dependencies: [
                "OFLocking", "OFConfig", "OFSigning", "COpenSSL",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "oraclefn-cli",
            dependencies: [
                "OFLocking", "OFConfig", "OFSigning", "OFTransport", "OFServices", "OFEngine", "OFEmulator", "OFNativeHandler",
                "COpenSSL", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The emulator's built-in function handler (images oraclefn/echo, oraclefn/hello, ...): a program of its own
        // in the development builds, and the tool's hidden `fdk` command in what ships (one binary for both).
        .target(name: "OFNativeHandler", dependencies: ["OFLocking", "OFEngine", "OFServices", .product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(name: "oraclefn-fdk", dependencies: ["OFNativeHandler"]),
        // bench/invoke_bench.py's stand-in for Oracle Functions: answers every invocation 202 at once.
        .executableTarget(
            name: "oraclefn-bench-responder", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "bench/responder"),

        .testTarget(name: "OFConfigTests", dependencies: ["OFConfig"]),
        .testTarget(name: "OFSigningTests", dependencies: ["OFSigning"]),
        .testTarget(name: "OFTransportTests", dependencies: ["OFTransport"], exclude: ["loopback_server.py"]),
        .testTarget(name: "OFServicesTests", dependencies: ["OFServices", "OFEmulator"]),
        .systemLibrary(name: "CMallocInfo", path: "Tests/CMallocInfo"),
        .testTarget(name: "OFEngineTests", dependencies: ["OFLocking", "OFEngine", "OFEmulator", "CMallocInfo"]),
        .testTarget(name: "OFCABITests", dependencies: ["OFCABI", "OFEmulator"]),
        .testTarget(
            name: "OFEmulatorTests",
            dependencies: ["OFLocking", "OFEmulator", "OFSigning", "COpenSSL", .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
    ]
)

// libFuzzer targets (Fuzz/, docs/fuzzing.md), in the package only when scripts/fuzz.sh builds them: they need
// `-sanitize=fuzzer`, and libFuzzer supplies their main.
if Context.environment["ORACLEFN_FUZZ"] == "1" {
    let fuzzing: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
    package.targets += [
        .target(name: "FuzzSupport", path: "Fuzz/Support"),
        .executableTarget(name: "fuzz-config", dependencies: ["FuzzSupport", "OFConfig"], path: "Fuzz/config", swiftSettings: fuzzing),
        .executableTarget(
            name: "fuzz-signing", dependencies: ["FuzzSupport", "OFSigning", "OFServices"], path: "Fuzz/signing", swiftSettings: fuzzing),
        .executableTarget(
            name: "fuzz-emulator-request", dependencies: ["FuzzSupport", "OFSigning", "OFEmulator"], path: "Fuzz/emulator-request",
            swiftSettings: fuzzing),
        .executableTarget(
            name: "fuzz-job-protocol", dependencies: ["FuzzSupport", "OFEngine"], path: "Fuzz/job-protocol", swiftSettings: fuzzing),
    ]
}
