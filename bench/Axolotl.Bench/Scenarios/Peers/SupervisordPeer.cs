using System.Globalization;

namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// supervisord (Debian's `supervisor`) run in the foreground (`-n`) on a private config: its unix
/// socket, pid file, log and child logs in the instance folder, programs in an included conf.d that
/// `supervisorctl update` rereads. It forks and execs each program itself: no wrapper process.
/// </summary>
internal sealed class SupervisordPeer(string supervisord, string supervisorctl) : IPeer
{
    private static readonly TimeSpan ControlTimeout = TimeSpan.FromSeconds(30);

    public string Name => PeerNames.Supervisord;

    public string RestartSetting =>
        "autorestart=true, startsecs=0, startretries=1000000 (defaults: autorestart=unexpected, startsecs=1, startretries=3 with +1 s back-off per failed start, then FATAL); "
        + "no setting shortens what remains: supervisord 4.2 reaps an exited child after its poll wakes and spawns the replacement on a later turn of its loop, whose poll waits up to 1 s (supervisord.py runforever)";

    public string MemoryCounted => "supervisord's own process (python3): PSS with N `sleep` programs − with none, over N; it forks and execs each program itself, so there is no wrapper";

    public Task<PeerInstance> StartCrashLoopAsync(CrashLoop loop, string directory, CancellationToken ct) =>
        StartAsync(directory, $"""
            [program:crash]
            command={loop.Script}
            autorestart=true
            startsecs=0
            startretries=1000000

            """, ct);

    public Task<PeerInstance> StartIdleAsync(string directory, CancellationToken ct) => StartAsync(directory, "", ct);

    public async Task AddSleepersAsync(PeerInstance instance, int count, CancellationToken ct)
    {
        await File.WriteAllTextAsync(instance.Path("conf.d/sleep.conf"), string.Create(CultureInfo.InvariantCulture, $"""
            [program:sleep]
            command=/bin/sleep 3600
            numprocs={count}
            process_name=%(program_name)s_%(process_num)03d
            autorestart=true
            startsecs=0

            """), ct);
        await PeerProcesses.RunAsync(supervisorctl, ["-c", instance.Path("supervisord.conf"), "update"], instance.Token, ControlTimeout, null, ct);
    }

    private async Task<PeerInstance> StartAsync(string directory, string programs, CancellationToken ct)
    {
        var instance = new PeerInstance(directory);
        try
        {
            Directory.CreateDirectory(instance.Path("conf.d"));
            Directory.CreateDirectory(instance.Path("log"));
            var config = instance.Path("supervisord.conf");
            await File.WriteAllTextAsync(config, $"""
                [unix_http_server]
                file={instance.Path("supervisor.sock")}

                [supervisord]
                logfile={instance.Path("supervisord.log")}
                pidfile={instance.Path("supervisord.pid")}
                childlogdir={instance.Path("log")}
                nodaemon=true

                [rpcinterface:supervisor]
                supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

                [supervisorctl]
                serverurl=unix://{instance.Path("supervisor.sock")}

                [include]
                files = {instance.Path("conf.d")}/*.conf

                """, ct);
            await File.WriteAllTextAsync(instance.Path("conf.d/programs.conf"), programs, ct);
            instance.Pid = PeerProcesses.Start(supervisord, ["-n", "-c", config], instance.Token, directory, instance.Path("stdout.log"));
            // Up once its control socket answers.
            var up = await PeerProcesses.WaitAsync(() => File.Exists(instance.Path("supervisor.sock")) || !PeerProcesses.Alive(instance.Pid.Value), ControlTimeout, ct);
            if (!up || !PeerProcesses.Alive(instance.Pid.Value))
            {
                var log = File.Exists(instance.Path("stdout.log")) ? await File.ReadAllTextAsync(instance.Path("stdout.log"), ct) : "";
                throw new InvalidOperationException($"supervisord did not start: {PeerProcesses.Tail(log)}");
            }
            await PeerProcesses.RunAsync(supervisorctl, ["-c", config, "pid"], instance.Token, ControlTimeout, null, ct);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }
}
