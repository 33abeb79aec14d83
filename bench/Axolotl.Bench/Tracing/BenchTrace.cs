using System.Globalization;

namespace Axolotl.Bench.Tracing;

/// <summary>
/// The benchmark's own points in the agent's start trace: with AXOLOTL_RESTART_TRACE=FILE (which the
/// server inherits) a scenario appends "&lt;label&gt; &lt;realtime seconds.micros&gt; &lt;pod&gt;" lines to the same
/// file, so what the client saw lines up with the agent's and the launcher's steps.
/// </summary>
internal static class BenchTrace
{
    private static readonly Lock Gate = new();

    private static readonly string? FilePath = Environment.GetEnvironmentVariable("AXOLOTL_RESTART_TRACE") is { Length: > 0 } path ? path : null;

    public static void Mark(string label, string pod) =>
        MarkAt(label, (TimeProvider.System.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10, pod);

    /// <summary>A point the workload stamped itself (microseconds since the epoch, as $EPOCHREALTIME), e.g. its exit.</summary>
    public static void MarkAt(string label, long micros, string pod)
    {
        if (FilePath is not { } file)
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{label} {micros / 1_000_000}.{micros % 1_000_000:D6} {pod}\n");
        lock (Gate)
        {
            File.AppendAllText(file, line);
        }
    }
}
