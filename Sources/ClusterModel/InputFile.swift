import Foundation

/// Input paths as the command line gives them: `-` is standard input, as in most command-line tools.
public enum InputFile {
    /// Read through /dev/stdin, so that every reader (size limits, chunked reading) works unchanged.
    public static let standardInput = URL(fileURLWithPath: "/dev/stdin")

    public static func url(_ path: String) -> URL {
        path == "-" ? standardInput : URL(fileURLWithPath: path)
    }

    /// The folder that relative paths inside an input resolve against: the file's own, or the working
    /// folder for standard input.
    public static func base(of url: URL) -> URL {
        url == standardInput ? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true) : url.deletingLastPathComponent()
    }
}
