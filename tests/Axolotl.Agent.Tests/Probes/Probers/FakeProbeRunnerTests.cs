using Axolotl.Agent.Probes.Probers;
using Axolotl.Api.Core;
using Axolotl.Runtime;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Probes.Probers;

/// <summary>The prober of `--runtime fake` nodes: every probe passes at once, with no process to exec in and nothing listening.</summary>
public sealed class FakeProbeRunnerTests
{
    private readonly FakeTimeProvider _time = new();

    public static TheoryData<string> ProbeKinds => ["exec", "http", "tcp", "grpc"];

    [Theory]
    [MemberData(nameof(ProbeKinds))]
    public async Task Every_kind_of_probe_passes_without_a_process_or_a_listener(string kind)
    {
        var probe = kind switch
        {
            "exec" => new Probe { Exec = new ExecAction { Command = ["false"] } },
            "http" => new Probe { HttpGet = new HTTPGetAction { Path = "/healthz", Port = 1 } },
            "tcp" => new Probe { TcpSocket = new TCPSocketAction { Port = 1 } },
            _ => new Probe { Grpc = new GRPCAction { Port = 1 } },
        };
        var handle = new ContainerHandle("fake-1", "uid", "main", 0, _time.GetUtcNow(), "");
        // 192.0.2.1 (TEST-NET-1) is routed nowhere: a real prober would fail or time out.
        var target = new ProbeTarget("192.0.2.1", new Container { Name = "main" }, handle);

        var result = await new FakeProbeRunner().RunAsync(probe, target, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Success, result.Outcome);
    }

    [Fact]
    public async Task A_cancelled_fake_probe_throws_as_the_probe_runner_contract_says()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var handle = new ContainerHandle("fake-1", "uid", "main", 0, _time.GetUtcNow(), "");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new FakeProbeRunner().RunAsync(new Probe(), new ProbeTarget(null, new Container { Name = "main" }, handle), TimeSpan.FromSeconds(1), cancelled.Token));
    }
}
