using System.Diagnostics;
using System.Globalization;

namespace Axolotl.Bench.Scenarios.Probes;

/// <summary>
/// Wall-clock stamps that bash writes with <c>echo $EPOCHREALTIME</c> (a builtin: no fork between the
/// event and the stamp), one per line, compared with the benchmark's own realtime clock. Both are the
/// same CLOCK_REALTIME of this machine, so differences are exact up to the microsecond.
/// </summary>
internal static class Stamps
{
    /// <summary>Now, in microseconds since the Unix epoch (the unit of the stamps).</summary>
    public static long UnixMicrosNow() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;

    /// <summary>The complete stamps in <paramref name="path"/> (a line still being written is left out); empty when the file is missing.</summary>
    public static IReadOnlyList<long> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : [.. text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse)];
    }

    /// <summary>Polls (every 2 ms) until <paramref name="path"/> holds at least <paramref name="count"/> stamps, and returns them.</summary>
    public static async Task<IReadOnlyList<long>> WaitAsync(string path, int count, TimeSpan timeout, string what, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var stamps = Read(path);
            if (stamps.Count >= count)
            {
                return stamps;
            }
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"{what}: not there after {timeout.TotalSeconds:F0} s ({stamps.Count} of {count} stamps in {path})");
            }
            await Task.Delay(2, ct);
        }
    }

    /// <summary>Polls (every 2 ms) until <paramref name="path"/> exists.</summary>
    public static async Task WaitExistsAsync(string path, TimeSpan timeout, string what, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"{what}: {path} not there after {timeout.TotalSeconds:F0} s");
            }
            await Task.Delay(2, ct);
        }
    }

    /// <summary>"seconds.micros" (a comma in some locales) as microseconds since the epoch.</summary>
    public static long Parse(string stamp)
    {
        var parts = stamp.Trim().Replace(',', '.').Split('.');
        var micros = parts.Length > 1 ? long.Parse(parts[1].PadRight(6, '0')[..6], CultureInfo.InvariantCulture) : 0;
        return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1_000_000 + micros;
    }
}
