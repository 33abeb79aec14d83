namespace Axolotl.Commands;

/// <summary>
/// DATA/axolotl.lock, held (flock, through FileShare.None) by the server or agent running on a data
/// directory for its whole life and by `axolotl reset` while it works; DATA/axolotl.pid names the
/// holder for the refusal's message. The kernel releases it when the process dies however it dies, so a crashed
/// server never blocks a reset.
/// </summary>
public sealed class DataDirLock : IDisposable
{
    public const string FileName = "axolotl.lock";

    /// <summary>The holder's pid, read only while the lock is held (so never a dead process's).</summary>
    public const string PidFileName = "axolotl.pid";

    private readonly FileStream _file;

    private DataDirLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or returns null and the pid that holds it (when it wrote one).</summary>
    public static DataDirLock? TryTake(string dataDir, out string? holder)
    {
        try
        {
            var file = new FileStream(Path.Combine(dataDir, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // Beside the lock, not in it: a reader of the locked file would need the lock itself.
            File.WriteAllText(Path.Combine(dataDir, PidFileName), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            holder = null;
            return new DataDirLock(file);
        }
        catch (IOException)
        {
            holder = ReadHolder(Path.Combine(dataDir, PidFileName));
            return null;
        }
    }

    /// <summary>Takes the lock for a server or agent; another process on the same data dir is refused with its pid.</summary>
    public static DataDirLock Take(string dataDir, string what) =>
        TryTake(dataDir, out var holder) ?? throw new ArgumentException(
            $"another axolotl process{(holder is null ? "" : $" (pid {holder})")} is running on the data dir {dataDir}; a {what} needs a data dir of its own");

    private static string? ReadHolder(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim() is { Length: > 0 } pid ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
