namespace Axolotl.Bench.Scenarios.Workloads;

/// <summary>
/// Extra `axolotl server` flags for a <see cref="NodeServer"/>, which takes none of its own: a
/// wrapper script that execs the binary under test with the flags appended (same PID, so /proc
/// figures stay the server's), and a context whose server binary is that script. Dispose removes it.
/// </summary>
internal sealed class ServerFlags : IDisposable
{
    private readonly string _dir;

    private ServerFlags(string dir, BenchContext context)
    {
        _dir = dir;
        Context = context;
    }

    /// <summary>Starts servers (and node servers) with the flags; the agent binary is still the original one.</summary>
    public BenchContext Context { get; }

    public static async Task<ServerFlags> CreateAsync(BenchContext context, IReadOnlyList<string> flags, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("axolotl-bench-flags-").FullName;
        var wrapper = Path.Combine(dir, "axolotl");
        var binary = Quote(context.Options.ServerBinary);
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec {binary} \"$@\" {string.Join(' ', flags.Select(Quote))}\n", ct);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new ServerFlags(dir, new BenchContext(context.Options with { ServerBinary = wrapper }));
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
