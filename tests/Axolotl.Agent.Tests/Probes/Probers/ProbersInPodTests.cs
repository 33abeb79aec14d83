using System.Globalization;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Agent.Tests.Images;
using Axolotl.Api.Core;
using Axolotl.Runtime;
using Axolotl.Runtime.Tests;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Probes.Probers;

/// <summary>Probes against real pods of the process runtime: their own network namespace and IP, exec through nsenter.</summary>
public sealed class ProbersInPodTests : IAsyncLifetime, IDisposable
{
    // The gRPC sample app is a .NET process: on a loaded 2-core machine (CI runs the agent tests beside the
    // end-to-end suite) its start-up alone has taken more than 20 s.
    private static readonly TimeSpan AppStartDeadline = TimeSpan.FromSeconds(90);
    private readonly RuntimeFixture _rt = new();
    private readonly ProbeRunner _runner;

    public ProbersInPodTests()
    {
        _runner = new ProbeRunner(_rt.Runtime, TimeProvider.System);
    }

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task AnExecProbeThatTimesOutKillsEveryProcessItStarted()
    {
        var sandbox = await _rt.SandboxAsync("exec-timeout");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sleep", "1000"));
        var marker = Random.Shared.Next(100_000, 900_000).ToString(CultureInfo.InvariantCulture);
        var command = $"sleep {marker}1 & sleep {marker}2; echo never";
        var probe = new Probe { Exec = new ExecAction { Command = ["sh", "-c", command] } };

        var result = await _runner.RunAsync(probe, Target(sandbox, handle), TimeSpan.FromMilliseconds(500), CancellationToken.None);

        Assert.Equal(ProbeResult.Failure($"command \"sh -c {command}\" timed out"), result);
        await Eventually.TrueAsync(() => !ProcessesWith(marker).Any(), "the probe's processes gone", () => "still running: " + string.Join(", ", ProcessesWith(marker)));
    }

    [Fact]
    public async Task AnExecProbeSeesTheContainerAndReportsItsOutput()
    {
        var sandbox = await _rt.SandboxAsync("exec-ok");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sleep", "1000"));

        var ok = await _runner.RunAsync(new Probe { Exec = new ExecAction { Command = ["hostname"] } }, Target(sandbox, handle), TimeSpan.FromSeconds(5), CancellationToken.None);
        var failed = await _runner.RunAsync(new Probe { Exec = new ExecAction { Command = ["sh", "-c", "echo not ready >&2; exit 1"] } }, Target(sandbox, handle), TimeSpan.FromSeconds(5), CancellationToken.None);
        var missing = await _runner.RunAsync(new Probe { Exec = new ExecAction { Command = ["no-such-healthcheck"] } }, Target(sandbox, handle), TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(ProbeResult.Success("exec-ok\n"), ok);
        Assert.Equal(ProbeResult.Failure("not ready\n"), failed);
        Assert.Equal(ProbeOutcome.Failure, missing.Outcome);
        Assert.Contains("no-such-healthcheck", missing.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkProbesReachThePodAtItsOwnIp()
    {
        var sandbox = await _rt.SandboxAsync("grpc-pod");
        var statusFile = Path.Combine(_rt.Options.StateDirectory, "grpc-status-" + sandbox.PodUid);
        var command = SampleAppsBinary.Find().Concat(["grpc-health", "--port", "5000", "--status-file", statusFile]).ToArray();
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", command));
        var target = Target(sandbox, handle, new ContainerPort { Name = "grpc", ContainerPortNumber = 5000 });
        var grpc = new Probe { Grpc = new GRPCAction { Port = 5000 } };

        var last = ProbeResult.Success();
        await Eventually.TrueAsync(
            async () => (last = await _runner.RunAsync(grpc, target, TimeSpan.FromSeconds(1), CancellationToken.None)).Outcome == ProbeOutcome.Success,
            "the gRPC probe to succeed",
            () => $"the gRPC probe never succeeded: {last}; the container's log: {ReadLog(handle)}",
            AppStartDeadline);
        var tcp = await _runner.RunAsync(new Probe { TcpSocket = new TCPSocketAction { Port = "grpc" } }, target, TimeSpan.FromSeconds(1), CancellationToken.None);
        var closed = await _runner.RunAsync(new Probe { TcpSocket = new TCPSocketAction { Port = 5001 } }, target, TimeSpan.FromSeconds(1), CancellationToken.None);
        await File.WriteAllTextAsync(statusFile, "NOT_SERVING");
        var notServing = await _runner.RunAsync(grpc, target, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(ProbeResult.Success(), tcp);
        Assert.Equal(ProbeResult.Failure($"dial tcp {sandbox.Ip}:5001: connect: connection refused"), closed);
        Assert.Equal(ProbeResult.Failure("service unhealthy (responded with \"NOT_SERVING\")"), notServing);
    }

    private static ProbeTarget Target(PodSandbox sandbox, ContainerHandle handle, params ContainerPort[] ports) =>
        new(sandbox.Ip, new Container { Name = handle.Name, Ports = [.. ports] }, handle);

    private static string ReadLog(ContainerHandle handle) =>
        File.Exists(handle.LogPath) ? File.ReadAllText(handle.LogPath) : "(no log at " + handle.LogPath + ")";

    private static IEnumerable<string> ProcessesWith(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (cmdline.Contains("sleep " + marker, StringComparison.Ordinal))
            {
                yield return $"{Path.GetFileName(dir)}: {cmdline}";
            }
        }
    }
}
