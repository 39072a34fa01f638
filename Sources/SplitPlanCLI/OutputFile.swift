import Foundation

/// Where reports go: standard output (no path, or `-`), or a file. An existing file is replaced only with
/// `force`; a symbolic link is written through (its target follows the same rules), a device or FIFO is
/// written into, never renamed over; a regular file is replaced atomically (a temporary file in the same
/// folder, then a rename), so an interrupted run leaves the old file whole. An output that cannot be created exits 73, a
/// failed write 74.
enum OutputFile {
    static func write(_ text: String, to path: String?, force: Bool) throws {
        try write(Data(text.utf8), to: path, force: force)
    }

    static func write(_ data: Data, to path: String?, force: Bool) throws {
        guard let path, path != "-" else {
            if let capture = Terminal.capture { return capture.appendOutput(String(decoding: data, as: UTF8.self)) }
            guard !Terminal.quiet else { return }
            do {
                try FileHandle.standardOutput.write(contentsOf: data)
            } catch {
                throw CLIError.cannotWrite(path: "standard output", reason: reason(error))
            }
            return
        }
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var status = stat()
        guard lstat(target, &status) == 0 else { return try replaceAtomically(data, at: target, shownAs: path) }
        guard force else { throw CLIError.refusingToOverwrite(path: path) }
        if status.st_mode & S_IFMT == S_IFREG { return try replaceAtomically(data, at: target, shownAs: path) }
        // A device, FIFO or socket: write into it as it is.
        guard let handle = FileHandle(forWritingAtPath: target) else {
            throw CLIError.cannotCreate(path: path, reason: "it is not a regular file and cannot be opened for writing")
        }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: data) } catch { throw CLIError.cannotWrite(path: path, reason: reason(error)) }
    }

    /// Temporary file beside the target, then rename; the temporary file is removed when anything fails.
    private static func replaceAtomically(_ data: Data, at target: String, shownAs path: String) throws {
        let url = URL(fileURLWithPath: target)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).splitplan-\(getpid()).tmp")
        do {
            try data.write(to: temporary, options: .withoutOverwriting)
            guard rename(temporary.path, target) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw failure(error, path: path)
        }
    }

    /// A file that could not be created (exit 73: no folder, no permission, read-only, a folder in the
    /// way) or written (exit 74: a full disk, an I/O error), with the cause in plain words.
    private static func failure(_ error: Error, path: String) -> CLIError {
        let (text, isCreation) = cause(error)
        return isCreation ? .cannotCreate(path: path, reason: text) : .cannotWrite(path: path, reason: text)
    }

    private static func reason(_ error: Error) -> String { cause(error).text }

    /// A plain sentence for the common causes, instead of Foundation's domain and code, and whether the
    /// cause is one of creating the file rather than of writing to it.
    private static func cause(_ error: Error) -> (text: String, isCreation: Bool) {
        let nsError = error as NSError
        let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError
        let posix: Int = (error as? POSIXError).map { Int($0.code.rawValue) } ?? underlying?.code ?? nsError.code
        switch posix {
        case Int(ENOSPC), NSFileWriteOutOfSpaceError: return ("no space left on the device", false)
        case Int(EACCES), Int(EPERM), NSFileWriteNoPermissionError: return ("permission denied", true)
        case Int(ENOENT), NSFileNoSuchFileError: return ("its folder does not exist", true)
        case Int(EROFS), NSFileWriteVolumeReadOnlyError: return ("the file system is read-only", true)
        case Int(EISDIR): return ("it is a folder", true)
        default: return ("the system refused the write (error \(posix))", false)
        }
    }
}
