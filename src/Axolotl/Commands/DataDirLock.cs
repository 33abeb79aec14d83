namespace Axolotl.Commands;

/// <summary>
/// DATA/axolotl.lock, held (flock, through FileShare.None) by the server or agent running on a data
/// directory for its whole life and by `axolotl reset` while it works; it holds the holder's pid for
/// the refusal's message. The kernel releases it when the process dies however it dies, so a crashed
/// server never blocks a reset.
/// </summary>
public sealed class DataDirLock : IDisposable
{
    public const string FileName = "axolotl.lock";

    private readonly FileStream _file;

    private DataDirLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or returns null and the pid that holds it (when it wrote one).</summary>
    public static DataDirLock? TryTake(string dataDir, out string? holder)
    {
        var path = Path.Combine(dataDir, FileName);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            file.Write(pid);
            file.Flush();
            holder = null;
            return new DataDirLock(file);
        }
        catch (IOException)
        {
            holder = ReadHolder(path);
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
            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(reader);
            return text.ReadLine()?.Trim() is { Length: > 0 } pid ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
