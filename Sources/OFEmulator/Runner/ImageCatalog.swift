import Foundation

/// Maps a function's container image to the local command that plays it.
///
/// Names are compared without their registry host, tag or digest, so `iad.ocir.io/ns/repo/fn:0.0.3`,
/// `ns/repo/fn` and `ns/repo/fn@sha256:...` are the same image. An entry matches an image with the same name
/// or any image below it (`ns/repo` matches `ns/repo/fn`); the longest matching entry wins.
/// The built-in `oraclefn/<name>` images run the native handler `oraclefn-fdk <name>`; `oraclefn/python` runs the
/// Python worker of the oraclefn package through the real fdk.
public struct ImageCatalog: Sendable, Equatable {
    /// The built-in images: name, and what each call answers.
    public static let builtIns: [(name: String, summary: String)] = [
        ("echo", "answers each call with the body it was given, with the same Content-Type"),
        ("hello", "answers with a greeting naming the host, process and function it ran in"),
        ("sleep", "sleeps for the number of seconds in the body (a decimal), then answers 'slept N s'"),
        ("fail", "fails every call the way a handler exception does (the FDK answers 502)"),
        ("exit", "exits mid-call, as a crashing or out-of-memory container does"),
        ("worker", "follows the job protocol (docs/protocol.md): echoes each input, or obeys !sleep, !fail, !large, !crash"),
    ]

    /// The Python runtime image: `python -m oraclefn.worker` (the oraclefn package's worker, served by the fdk).
    public static let pythonImage = (name: "oraclefn/python", summary: "the oraclefn Python worker under the fdk, run by $ORACLEFN_PYTHON (default python3)")

    /// Image name (without host, tag or digest) -> command and working directory.
    public private(set) var entries: [String: HandlerCommand]

    /// A catalog with the built-in images served by `nativeHandler` (the `oraclefn-fdk` executable), the Python
    /// image run by `python`, plus `images`.
    public init(
        nativeHandler: String? = ImageCatalog.locateNativeHandler(), python: String = ImageCatalog.locatePython(),
        images: [String: HandlerCommand] = [:]
    ) {
        var entries = [Self.pythonImage.name: HandlerCommand(arguments: [python, "-m", "oraclefn.worker"])]
        if let nativeHandler {
            for builtIn in Self.builtIns {
                entries["oraclefn/\(builtIn.name)"] = HandlerCommand(arguments: [nativeHandler, builtIn.name])
            }
        }
        for (image, command) in images {
            entries[Self.imageName(image)] = command
        }
        self.entries = entries
    }

    /// The command for an image, or nil when no entry matches it.
    public func command(for image: String) -> HandlerCommand? {
        var remaining = Self.imageName(image)
        while !remaining.isEmpty {
            if let command = entries[remaining] { return command }
            guard let slash = remaining.lastIndex(of: "/") else { return nil }
            remaining = String(remaining[..<slash])
        }
        return nil
    }

    /// An image reference reduced to its name: no registry host, tag or digest.
    /// A first component is a registry host when it contains `.` or `:` or is `localhost` (Docker's rule).
    static func imageName(_ reference: String) -> String {
        var name = Substring(reference.trimmingCharacters(in: .whitespaces))
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
        var components = name.split(separator: "/", omittingEmptySubsequences: true)
        if components.count > 1, let first = components.first,
            first.contains(".") || first.contains(":") || first == "localhost"
        {
            components.removeFirst()
        }
        return components.joined(separator: "/")
    }

    /// The Python interpreter of the `oraclefn/python` image: `ORACLEFN_PYTHON`, else `python3` from PATH.
    public static func locatePython(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["ORACLEFN_PYTHON"], !path.isEmpty { return path }
        return "python3"
    }

    /// The `oraclefn-fdk` executable: `ORACLEFN_FDK_HANDLER`, else next to the running executable (a build
    /// folder, the Python package), else in `../libexec/oraclefn/` from it (the C SDK's `scripts/install.sh`).
    public static func locateNativeHandler(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if let path = environment["ORACLEFN_FDK_HANDLER"], !path.isEmpty { return path }
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return nil
        }
        let folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        let candidates = [
            folder.appendingPathComponent("oraclefn-fdk").path,
            folder.deletingLastPathComponent().appendingPathComponent("libexec/oraclefn/oraclefn-fdk").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A handler command: the program with its arguments (looked up in PATH when it has no `/`) and the
/// directory it runs in (nil: the emulator's own).
public struct HandlerCommand: Sendable, Equatable {
    public var arguments: [String]
    public var workingDirectory: String?

    public init(arguments: [String], workingDirectory: String? = nil) {
        self.arguments = arguments
        self.workingDirectory = workingDirectory
    }
}

extension ImageCatalog {
    /// Reads an image configuration file (JSON):
    /// `{"images": {"ns/repo/fn": ["python3", "-m", "fdk", "func.py", "handler"]}}`.
    /// Commands run in the file's directory, so relative paths in them are relative to the file.
    public static func load(contentsOf path: String, nativeHandler: String? = locateNativeHandler()) throws(ImageCatalogError) -> ImageCatalog {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ImageCatalogError(message: "cannot read the image configuration '\(path)': \(error.localizedDescription); pass an existing JSON file (see docs/emulator.md, \"Images\").")
        }
        let file: ImageFile
        do {
            file = try JSONDecoder().decode(ImageFile.self, from: data)
        } catch {
            throw ImageCatalogError(message: "the image configuration '\(path)' is not of the form {\"images\": {\"<image>\": [\"<program>\", \"<argument>\", ...]}}: \(error); see docs/emulator.md, \"Images\".")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var images: [String: HandlerCommand] = [:]
        for (image, arguments) in file.images {
            guard !arguments.isEmpty, !arguments[0].isEmpty else {
                throw ImageCatalogError(message: "the image '\(image)' in '\(path)' has an empty command; give the program to run and its arguments, e.g. [\"python3\", \"-m\", \"fdk\", \"func.py\", \"handler\"].")
            }
            guard !imageName(image).isEmpty else {
                throw ImageCatalogError(message: "'\(image)' in '\(path)' is not an image name; write it as OCI does, e.g. iad.ocir.io/ns/repo/fn:0.0.1 or ns/repo/fn.")
            }
            images[image] = HandlerCommand(arguments: arguments, workingDirectory: directory)
        }
        return ImageCatalog(nativeHandler: nativeHandler, images: images)
    }

    private struct ImageFile: Decodable {
        var images: [String: [String]]
    }
}

public struct ImageCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
