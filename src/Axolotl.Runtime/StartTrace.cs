using System.Globalization;

namespace Axolotl.Runtime;

/// <summary>
/// Optional trace points on the start and restart path, for measuring where the time goes: with
/// AXOLOTL_RESTART_TRACE=FILE the agent appends "&lt;label&gt; &lt;realtime seconds.micros&gt; &lt;attempt's log&gt;"
/// lines there, and passes --trace FILE to each launcher, which adds its own (axolotl-launch.c). The
/// realtime clock is what bash's $EPOCHREALTIME stamps read, so a benchmark's stamps line up with it.
/// Off (one null check) unless the variable is set. Public for the agent, whose pod workers mark the
/// steps before the runtime's (sandbox, image, start).
/// </summary>
public static class StartTrace
{
    private static readonly Lock Gate = new();

    public static string? FilePath { get; } = Environment.GetEnvironmentVariable("AXOLOTL_RESTART_TRACE") is { Length: > 0 } path ? path : null;

    /// <summary>A pod's step, keyed "name:uid" so that the pod's attempts (keyed by their log paths, which hold the uid) join it.</summary>
    public static void Mark(string label, string? podName, string uid)
    {
        if (FilePath is not null)
        {
            Mark(label, podName + ":" + uid);
        }
    }

    public static void Mark(string label, string logPath)
    {
        if (FilePath is not { } file)
        {
            return;
        }

        var micros = (TimeProvider.System.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var line = string.Create(CultureInfo.InvariantCulture, $"{label} {micros / 1_000_000}.{micros % 1_000_000:D6} {logPath}\n");
        lock (Gate)
        {
            File.AppendAllText(file, line);
        }
    }
}
