// swift-tools-version:6.0
import PackageDescription

// Layers, each used only by those to its right (see docs/design.md):
//   OFConfig -> OFSigning -> OFTransport -> OFServices -> OFEngine -> OFCABI (liboraclefn.so)
//   OFEmulator and the CLI sit beside OFCABI and are never linked into the library.
let package = Package(
    name: "oraclefn",
    products: [
        .library(name: "oraclefn", type: .dynamic, targets: ["OFCABI"]),
    ],
    dependencies: [],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "COraclefnTypes", path: "include"),

        .target(name: "OFConfig", dependencies: ["CYAML"]),
        .target(name: "OFSigning", dependencies: ["OFConfig", "COpenSSL"]),
        .target(
            name: "OFCABI",
            dependencies: ["OFConfig", "OFSigning", "COraclefnTypes"],
            linkerSettings: [
                // Export only ofn_* and give the library a SONAME (SwiftPM sets none).
                .unsafeFlags([
                    "-Xlinker", "--version-script=\(Context.packageDirectory)/scripts/oraclefn.map",
                    "-Xlinker", "-soname=liboraclefn.so",
                ]),
            ]
        ),

        .testTarget(name: "OFConfigTests", dependencies: ["OFConfig"]),
        .testTarget(name: "OFSigningTests", dependencies: ["OFSigning"]),
        .testTarget(name: "OFCABITests", dependencies: ["OFCABI"]),
    ]
)
