import OFNativeHandler

// The emulator's built-in function handler as a program of its own, for the development builds (the emulator
// finds it next to itself). What ships runs the same handler as `oraclefn fdk` (Sources/OFNativeHandler).
await NativeHandler.main(arguments: CommandLine.arguments.dropFirst())
