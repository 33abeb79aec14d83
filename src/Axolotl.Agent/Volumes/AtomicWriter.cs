using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// The kubelet's atomic writer (pkg/volume/util/atomic_writer.go): a volume's files live in a hidden
/// timestamped directory that the <c>..data</c> symlink points to, and each top-level name is a
/// symlink through <c>..data</c>, so one rename(2) swaps a whole version in and a reader never sees
/// half an update (applications watching <c>..data</c> reload on that rename). Names starting with
/// ".." are reserved. One writer per directory at a time; the caller serializes.
/// </summary>
public static class AtomicWriter
{
    private const string DataDirName = "..data";
    private const string NewDataDirName = "..data_tmp";
    private const int MaxFileNameLength = 255;
    private const int MaxPathLength = 4096;
    private const int PermissionBits = 0x1FF; // 0777

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    // File.Move and Directory.Move refuse to replace a symlink to a directory; rename(2) does it atomically.
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int SysRename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    /// <summary>
    /// Projects <paramref name="files"/> into <paramref name="targetDir"/> (created if missing). Returns
    /// false, touching nothing, when <c>..data</c> already holds exactly these paths, bytes and modes.
    /// </summary>
    public static bool Write(string targetDir, IReadOnlyList<ProjectedFile> files, TimeProvider time)
    {
        var payload = new Dictionary<string, ProjectedFile>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!TryCleanPath(file.Path, out var clean, out var error))
            {
                throw new ArgumentException(error, nameof(files));
            }
            payload[clean] = file with { Path = clean };
        }
        if (!Directory.Exists(targetDir))
        {
            Directory.CreateDirectory(targetDir, DirectoryMode);
        }

        var dataDirPath = Path.Combine(targetDir, DataDirName);
        var oldTsDir = new FileInfo(dataDirPath).LinkTarget;
        var oldTsPath = oldTsDir is not null && IsTimestampDirName(oldTsDir) ? Path.Combine(targetDir, oldTsDir) : null;
        if (oldTsPath is not null && !Directory.Exists(oldTsPath))
        {
            oldTsPath = null;
        }
        if (oldTsPath is not null && IsCurrent(targetDir, oldTsPath, payload))
        {
            return false;
        }

        var tsDir = NewTimestampDir(targetDir, time);
        var newDataDirPath = Path.Combine(targetDir, NewDataDirName);
        try
        {
            foreach (var file in payload.Values)
            {
                WriteFile(tsDir, file);
            }
            CreateUserVisibleLinks(targetDir, payload.Keys);
            DeleteLink(newDataDirPath); // left by an interrupted write
            File.CreateSymbolicLink(newDataDirPath, Path.GetFileName(tsDir));
            Rename(newDataDirPath, dataDirPath);
        }
        catch
        {
            DeleteLink(newDataDirPath);
            Directory.Delete(tsDir, recursive: true);
            throw;
        }

        if (oldTsPath is not null)
        {
            var newTopLevel = payload.Keys.Select(TopLevelName).ToHashSet(StringComparer.Ordinal);
            foreach (var entry in Directory.EnumerateFileSystemEntries(oldTsPath, "*", AllEntries(recurse: false)))
            {
                var name = Path.GetFileName(entry);
                if (!newTopLevel.Contains(name))
                {
                    DeleteLink(Path.Combine(targetDir, name));
                }
            }
            Directory.Delete(oldTsPath, recursive: true);
        }
        return true;
    }

    /// <summary>
    /// Upstream validatePath plus filepath.Clean: relative, no ".." element, not starting with "..",
    /// names up to 255 bytes and paths up to 4096; <paramref name="error"/> carries upstream's wording.
    /// </summary>
    internal static bool TryCleanPath(string path, out string clean, out string error)
    {
        clean = "";
        error = "";
        if (path.Length == 0)
        {
            error = "invalid path: must not be empty: \"\"";
            return false;
        }
        if (path.StartsWith('/'))
        {
            error = $"invalid path: must be relative path: {path}";
            return false;
        }
        if (Encoding.UTF8.GetByteCount(path) > MaxPathLength)
        {
            error = $"invalid path: must be less than or equal to {MaxPathLength} characters";
            return false;
        }
        var items = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(item => item != ".").ToList();
        foreach (var item in items)
        {
            if (item == "..")
            {
                error = $"invalid path: must not contain '..': {path}";
                return false;
            }
            if (Encoding.UTF8.GetByteCount(item) > MaxFileNameLength)
            {
                error = $"invalid path: filenames must be less than or equal to {MaxFileNameLength} characters";
                return false;
            }
        }
        if (items.Count == 0)
        {
            error = $"invalid path: must not be empty: \"{path}\"";
            return false;
        }
        if (items[0].StartsWith("..", StringComparison.Ordinal))
        {
            error = $"invalid path: must not start with '..': {path}";
            return false;
        }
        clean = string.Join('/', items);
        return true;
    }

    /// <summary>Whether the old version holds exactly these files and every top-level link is in place.</summary>
    private static bool IsCurrent(string targetDir, string oldTsPath, Dictionary<string, ProjectedFile> payload)
    {
        var count = 0;
        foreach (var path in Directory.EnumerateFiles(oldTsPath, "*", AllEntries(recurse: true)))
        {
            count++;
            var relative = Path.GetRelativePath(oldTsPath, path);
            if (!payload.TryGetValue(relative, out var file)
                || ((int)File.GetUnixFileMode(path) & PermissionBits) != (file.Mode & PermissionBits)
                || !File.ReadAllBytes(path).AsSpan().SequenceEqual(file.Content))
            {
                return false;
            }
        }
        return count == payload.Count
            && payload.Keys.Select(TopLevelName).All(name =>
                new FileInfo(Path.Combine(targetDir, name)).LinkTarget == Path.Combine(DataDirName, name));
    }

    /// <summary>A fresh <c>..YYYY_MM_DD_HH_MM_SS.NNNNNNNNN</c>; the fraction counts up while the name is taken.</summary>
    private static string NewTimestampDir(string targetDir, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var stamp = now.ToString("yyyy_MM_dd_HH_mm_ss", CultureInfo.InvariantCulture);
        for (var nanos = (now.Ticks % TimeSpan.TicksPerSecond) * 100; ; nanos++)
        {
            var path = Path.Combine(targetDir, string.Create(CultureInfo.InvariantCulture, $"..{stamp}.{nanos:D9}"));
            if (Path.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                continue;
            }
            Directory.CreateDirectory(path, DirectoryMode);
            // The mode given at creation is masked by the umask; group and others must traverse.
            File.SetUnixFileMode(path, DirectoryMode);
            return path;
        }
    }

    private static void WriteFile(string tsDir, ProjectedFile file)
    {
        var directory = tsDir;
        var segments = file.Path.Split('/');
        foreach (var segment in segments[..^1])
        {
            directory = Path.Combine(directory, segment);
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, DirectoryMode);
                File.SetUnixFileMode(directory, DirectoryMode);
            }
        }
        var path = Path.Combine(directory, segments[^1]);
        var mode = (UnixFileMode)(file.Mode & PermissionBits);
        // Created with its final mode so a secret is never readable by others, even for a moment.
        using (var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
        {
            stream.Write(file.Content);
        }
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>Links each new top-level name to <c>..data/name</c>; names already present are kept.</summary>
    private static void CreateUserVisibleLinks(string targetDir, IEnumerable<string> paths)
    {
        foreach (var name in paths.Select(TopLevelName).Distinct(StringComparer.Ordinal))
        {
            var link = Path.Combine(targetDir, name);
            if (!Path.Exists(link) && new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, Path.Combine(DataDirName, name));
            }
        }
    }

    private static void Rename(string oldPath, string newPath)
    {
        if (SysRename(oldPath, newPath) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"rename {oldPath} to {newPath}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>Removes <paramref name="path"/> only when it is a symlink: user files are never deleted.</summary>
    private static void DeleteLink(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            info.Delete();
        }
    }

    private static bool IsTimestampDirName(string name) =>
        name.StartsWith("..", StringComparison.Ordinal) && !name.Contains('/', StringComparison.Ordinal)
        && name is not (DataDirName or NewDataDirName or "..");

    private static string TopLevelName(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? path : path[..slash];
    }

    /// <summary>Every entry, the ones whose name starts with a dot too (.NET skips them as hidden by default).</summary>
    private static EnumerationOptions AllEntries(bool recurse) =>
        new() { RecurseSubdirectories = recurse, AttributesToSkip = 0, IgnoreInaccessible = false };
}
