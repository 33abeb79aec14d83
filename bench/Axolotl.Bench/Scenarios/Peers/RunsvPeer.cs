using System.Globalization;

namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// runit's `runsv DIR`, started directly on private service folders (never runsvdir, /etc/service or
/// the system's init): one runsv process per service, which is runit's design, so its memory per
/// managed process is the runsv processes themselves. runsv restarts a service whose `run` exits
/// without being asked, but sleeps 1 s first when the run lasted less than 1 s; that is not
/// configurable (runit's runsv.c), so the crash loop shows it, and a second loop whose runs last 1.1 s
/// shows runsv without it.
/// </summary>
internal sealed class RunsvPeer(string runsv) : IPeer
{
    public string Name => PeerNames.Runsv;

    public string RestartSetting => "runsv DIR with `run` = the script (no setting exists: runsv restarts a service whose run exits, sleeping 1 s first when the run lasted < 1 s)";

    public string MemoryCounted => "one runsv process per service (runit's design), PSS summed, over N; nothing at 0 (a runsvdir scanning them would add one more process)";

    public Task<PeerInstance> StartCrashLoopAsync(CrashLoop loop, string directory, CancellationToken ct)
    {
        var instance = new PeerInstance(directory);
        var service = instance.Path("crash");
        Directory.CreateDirectory(service);
        // The script itself is `run`: runsv execs it with nothing in between.
        File.CreateSymbolicLink(Path.Combine(service, "run"), loop.Script);
        instance.Pid = PeerProcesses.Start(runsv, [service], instance.Token, directory, instance.Path("runsv.log"));
        return Task.FromResult(instance);
    }

    public Task<PeerInstance> StartIdleAsync(string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        return Task.FromResult(new PeerInstance(directory));
    }

    public Task AddSleepersAsync(PeerInstance instance, int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var service = instance.Path(string.Create(CultureInfo.InvariantCulture, $"sleep-{i:D3}"));
            Directory.CreateDirectory(service);
            var run = Path.Combine(service, "run");
            File.WriteAllText(run, "#!/bin/sh\nexec /bin/sleep 3600\n");
            File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            PeerProcesses.Start(runsv, [service], instance.Token, instance.Directory, instance.Path("runsv.log"));
        }
        return Task.CompletedTask;
    }
}
