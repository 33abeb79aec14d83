using System.Globalization;
using System.Text.Json;

namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// PM2 from the private npm prefix bench/peers/install-pm2 fills, with PM2_HOME in the instance folder
/// (its daemon, sockets, pid and log files live there, never in ~/.pm2). Apps come from JSON ecosystem
/// files with `interpreter: none`, so PM2 spawns the script or `sleep` itself in fork mode: no wrapper
/// (PM2 wraps Node.js apps only). Stopped with `pm2 kill`, then by PID.
/// </summary>
internal sealed class Pm2Peer(string pm2) : IPeer
{
    private static readonly TimeSpan ControlTimeout = TimeSpan.FromSeconds(30);

    public string Name => PeerNames.Pm2;

    public string RestartSetting =>
        "autorestart true, restart_delay 0, no exp_backoff_restart_delay, max_restarts 1000000 (defaults: autorestart true, restart_delay 0, no back-off, max_restarts 16 exits within min_uptime 1 s, then errored)";

    public string MemoryCounted => "every process of the PM2 instance but the apps (the God daemon, node): PSS with N `sleep` apps − with none, over N; apps run in fork mode without a wrapper";

    public async Task<PeerInstance> StartCrashLoopAsync(CrashLoop loop, string directory, CancellationToken ct)
    {
        var instance = Create(directory);
        try
        {
            await StartAppsAsync(instance, "crash.json", [new Dictionary<string, object>
            {
                ["name"] = "crash",
                ["script"] = loop.Script,
                ["interpreter"] = "none",
                ["autorestart"] = true,
                ["restart_delay"] = 0,
                ["max_restarts"] = 1_000_000,
            }], ct);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    public async Task<PeerInstance> StartIdleAsync(string directory, CancellationToken ct)
    {
        var instance = Create(directory);
        try
        {
            // `pm2 ping` starts the daemon with no app.
            await PeerProcesses.RunAsync(pm2, ["ping"], instance.Token, ControlTimeout, instance.Environment, ct);
            await FindDaemonAsync(instance, ct);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    public Task AddSleepersAsync(PeerInstance instance, int count, CancellationToken ct) =>
        StartAppsAsync(instance, "sleep.json", [.. Enumerable.Range(0, count).Select(i => new Dictionary<string, object>
        {
            ["name"] = string.Create(CultureInfo.InvariantCulture, $"sleep-{i:D3}"),
            ["script"] = "/bin/sleep",
            ["args"] = "3600",
            ["interpreter"] = "none",
            ["autorestart"] = true,
        })], ct);

    private PeerInstance Create(string directory)
    {
        var instance = new PeerInstance(directory);
        Directory.CreateDirectory(instance.Path("home"));
        instance.Environment["PM2_HOME"] = instance.Path("home");
        instance.Shutdown = () => PeerProcesses.RunAsync(pm2, ["kill"], instance.Token, ControlTimeout, instance.Environment, CancellationToken.None);
        return instance;
    }

    private async Task StartAppsAsync(PeerInstance instance, string file, IReadOnlyList<Dictionary<string, object>> apps, CancellationToken ct)
    {
        var ecosystem = instance.Path(file);
        await File.WriteAllTextAsync(ecosystem, JsonSerializer.Serialize(new { apps }), ct);
        await PeerProcesses.RunAsync(pm2, ["start", ecosystem], instance.Token, ControlTimeout, instance.Environment, ct);
        await FindDaemonAsync(instance, ct);
    }

    private static async Task FindDaemonAsync(PeerInstance instance, CancellationToken ct)
    {
        var pidFile = instance.Path("home/pm2.pid");
        if (!await PeerProcesses.WaitAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, ControlTimeout, ct))
        {
            throw new InvalidOperationException("PM2's daemon wrote no pid file");
        }
        instance.Pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
    }
}
