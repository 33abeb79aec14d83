using System.Diagnostics;
using System.Globalization;
using Axolotl.Bench.Measurement;

namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// The crashing workload every peer runs, measured the way the restart-latency scenario measures
/// Axolotl: a bash script whose first command appends `S $EPOCHREALTIME` to a stamp file in /dev/shm
/// and whose last, just before `exit 1`, appends `E $EPOCHREALTIME` ($EPOCHREALTIME is a builtin: no
/// fork between the stamp and the exit). The supervisor restarts it over and over; each restart is
/// one sample, next instance's S − previous instance's E, both from the same realtime clock. Like the
/// Axolotl figure, a sample includes bash's own start-up in the new instance.
/// </summary>
internal sealed class CrashLoop
{
    /// <summary>The first restart is discarded: the supervisor's own first-time code paths are not what a crash loop costs.</summary>
    public const int WarmUp = 1;

    private CrashLoop(string script, string stamps)
    {
        Script = script;
        Stamps = stamps;
    }

    /// <summary>The executable script (#!/bin/bash): run it directly, with no shell of the supervisor's own in between.</summary>
    public string Script { get; }

    public string Stamps { get; }

    /// <summary>Writes the script into <paramref name="directory"/>; <paramref name="runFor"/> > 0 makes each instance live that long before its exit stamp.</summary>
    public static CrashLoop Create(string directory, TimeSpan runFor)
    {
        Directory.CreateDirectory(directory);
        var stamps = Path.Combine(directory, "stamps");
        var script = Path.Combine(directory, "crash.sh");
        var pause = runFor > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"sleep {runFor.TotalSeconds:F1}\n") : "";
        File.WriteAllText(script, $"#!/bin/bash\necho \"S $EPOCHREALTIME\" >>{stamps}\n{pause}echo \"E $EPOCHREALTIME\" >>{stamps}\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return new CrashLoop(script, stamps);
    }

    /// <summary>
    /// Waits until <paramref name="count"/> restarts past the warm-up have been stamped or <paramref name="limit"/> has passed,
    /// and returns them as a series (possibly empty: a supervisor that gave up restarting yields nothing).
    /// </summary>
    public async Task<(LatencySamples Samples, int Instances)> CollectAsync(string series, int count, TimeSpan limit, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (Restarts(Read()).Count < count + WarmUp && waited.Elapsed < limit)
        {
            await Task.Delay(20, ct);
        }
        var stamps = Read();
        var samples = new LatencySamples(series);
        foreach (var ms in Restarts(stamps).Skip(WarmUp).Take(count))
        {
            samples.AddMilliseconds(ms);
        }
        return (samples, stamps.Count(s => s.Kind == 'S'));
    }

    /// <summary>Each restart in milliseconds: an S that directly follows an E.</summary>
    public static List<double> Restarts(IReadOnlyList<(char Kind, long Micros)> stamps)
    {
        var restarts = new List<double>();
        for (var i = 1; i < stamps.Count; i++)
        {
            if (stamps[i - 1].Kind == 'E' && stamps[i].Kind == 'S')
            {
                restarts.Add((stamps[i].Micros - stamps[i - 1].Micros) / 1000.0);
            }
        }
        return restarts;
    }

    /// <summary>$EPOCHREALTIME ("seconds.micros", with a comma in some locales) as microseconds since the epoch.</summary>
    public static long ParseStamp(string text)
    {
        var parts = text.Trim().Replace(',', '.').Split('.');
        return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1_000_000
            + (parts.Length > 1 ? long.Parse(parts[1].PadRight(6, '0')[..6], CultureInfo.InvariantCulture) : 0);
    }

    private List<(char Kind, long Micros)> Read()
    {
        if (!File.Exists(Stamps))
        {
            return [];
        }
        var text = File.ReadAllText(Stamps);
        // Only complete lines: the last one may still be half written.
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        return [.. complete.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (l[0], ParseStamp(l[2..])))];
    }
}
