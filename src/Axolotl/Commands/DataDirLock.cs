namespace Axolotl.Commands;

/// <summary>
/// DATA/axolotl.lock, held (flock, through FileShare.None) by the server or agent running on a data
/// directory for its whole life and by `axolotl reset` while it works; DATA/axolotl.pid names the
/// holder ("PID ROLE") for the refusal's message. The kernel releases it when the process dies however it dies, so a crashed
/// server never blocks a reset.
/// </summary>
public sealed class DataDirLock : IDisposable
{
    public const string FileName = "axolotl.lock";

    /// <summary>The holder's pid, read only while the lock is held (so never a dead process's).</summary>
    public const string PidFileName = "axolotl.pid";

    private readonly FileStream _file;

    private DataDirLock(FileStream file) => _file = file;

    /// <summary>
    /// Takes the lock for <paramref name="role"/> (server, agent, reset), or returns null and who holds it
    /// ("an axolotl server (pid 123)", or "another axolotl process" when it wrote no pid).
    /// </summary>
    public static DataDirLock? TryTake(string dataDir, string role, out string holder)
    {
        try
        {
            var file = new FileStream(Path.Combine(dataDir, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // Beside the lock, not in it: a reader of the locked file would need the lock itself.
            File.WriteAllText(Path.Combine(dataDir, PidFileName),
                $"{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)} {role}\n");
            holder = "";
            return new DataDirLock(file);
        }
        catch (IOException)
        {
            holder = Describe(ReadHolder(Path.Combine(dataDir, PidFileName)));
            return null;
        }
    }

    /// <summary>Takes the lock for a server or agent; another process on the same data dir is refused in one line, naming it.</summary>
    public static DataDirLock Take(string dataDir, string role) =>
        TryTake(dataDir, role, out var holder) ?? throw new ArgumentException(
            $"the data dir {dataDir} is in use by {holder}; stop it first, or give this {role} a data dir of its own (--data-dir)");

    /// <summary>"PID ROLE" (or "PID", as earlier releases wrote) as words.</summary>
    private static string Describe(string? record)
    {
        var parts = (record ?? "").Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return "another axolotl process";
        }
        var role = parts.Length > 1 && parts[1] is "server" or "agent" or "reset" ? parts[1] : "process";
        return role == "reset" ? $"`axolotl reset` (pid {parts[0]})" : $"an axolotl {role} (pid {parts[0]})";
    }

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
