namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// One private run of a peer: its folder, the token its processes carry (see <see cref="PeerProcesses"/>)
/// and its main PID. Dispose runs the tool's own shutdown if any, then SIGTERM to the main PID, then
/// SIGKILL to anything left with the token, and deletes the folder.
/// </summary>
internal sealed class PeerInstance(string directory) : IAsyncDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public string Directory { get; } = directory;
    public string Token { get; } = $"{System.IO.Path.GetFileName(directory)}-{Guid.NewGuid():N}";

    /// <summary>The supervisor's main process, once known (none for runsv, which is one process per service).</summary>
    public int? Pid { get; set; }

    /// <summary>Environment for every process of the instance beyond the token (e.g. PM2_HOME).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>The tool's own orderly shutdown (e.g. `pm2 kill`), run before the signals.</summary>
    public Func<Task>? Shutdown { get; set; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    public async ValueTask DisposeAsync()
    {
        if (Shutdown is { } shutdown)
        {
            try
            {
                await shutdown();
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
            {
                // The signals below stop it all the same.
            }
        }
        await PeerProcesses.StopAsync(Pid, Token, Grace);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process still writing its log; the parent folder's removal tries again.
        }
    }
}
