using Axolotl.Agent.Probes.Probers;
using Axolotl.Agent.Restart;
using Axolotl.Agent.Server;
using Axolotl.Agent.Tests.Images;
using Axolotl.Api.Core;
using Axolotl.Api.Metrics;
using Axolotl.Runtime.Fake;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Metrics;

/// <summary>
/// Where the agent records its healing: a crash's restart in the container histogram, a liveness kill's
/// restart in the probe histogram (and not also as a crash), the pod's first start once, the runtime's
/// calls by operation; all on the node's /metrics. The agent runs against the in-process API server
/// with the fake runtime; the assertions are on counts, not on how long anything took.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HealingRecordingTests : IAsyncLifetime
{
    private const string NodeName = "heal-node";
    private InProcessCluster _cluster = null!;
    private readonly FakeRuntime _runtime = new(TimeProvider.System);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("axolotl-healing-").FullName;
    private NodeAgent? _agent;
    private NodeAgentBackend? _backend;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync();

    public async Task DisposeAsync()
    {
        _backend?.Metrics.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }
        await _cluster.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task StartAgentAsync(IProbeRunner? probes = null)
    {
        var options = new AgentOptions { NodeName = NodeName, DataDir = _dataDir, NodeIp = "127.0.0.1" };
        var backoff = new RestartBackoffOptions { Initial = TimeSpan.FromMilliseconds(200), Max = TimeSpan.FromMilliseconds(400) };
        _agent = await NodeAgent.StartAsync(_cluster.Client, options, _runtime, backoff, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None,
            probeRunner: probes, imageOptions: await TestImageLayout.OptionsAsync(_dataDir));
        _backend = new NodeAgentBackend(_agent);
    }

    private static Pod Pod(string name, Probe? liveness = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new() { Name = name, Namespace = "default" },
        Spec = new PodSpec
        {
            NodeName = NodeName,
            TerminationGracePeriodSeconds = 1,
            Containers = [new Container { Name = "app", Image = "busybox:1.36", Command = ["sleep", "3600"], LivenessProbe = liveness }],
        },
    };

    private Task<string> ScrapeAsync() => _backend!.Metrics.For("/metrics")!.ScrapeAsync(CancellationToken.None);

    private static double? Sample(string text, string series) =>
        text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private Task<string> UntilAsync(Func<string, bool> condition, string what) => Eventually.UntilAsync(ScrapeAsync, condition, what);

    [Fact]
    public async Task A_crash_and_its_restart_are_one_observation_of_the_container_restart_histogram_and_none_of_the_probes()
    {
        var crashed = 0;
        // The first instance crashes after 50 ms; its replacement keeps running.
        _runtime.Behaviour = _ => Interlocked.Increment(ref crashed) == 1 ? new FakeContainerBehaviour(ExitAfter: TimeSpan.FromMilliseconds(50), ExitCode: 1) : null;
        await StartAgentAsync();
        await _cluster.Client.CreateAsync(Pod("crasher"), CancellationToken.None);

        var text = await UntilAsync(t => Sample(t, $"axolotl_container_restart_duration_seconds_count{{node=\"{NodeName}\"}}") >= 1, "the restart recorded");

        Assert.Equal(1, Sample(text, $"axolotl_container_restart_duration_seconds_count{{node=\"{NodeName}\"}}"));
        Assert.Null(Sample(text, $"axolotl_probe_restart_duration_seconds_count{{node=\"{NodeName}\"}}"));
        Assert.Equal(1, Sample(text, "kubelet_pod_start_duration_seconds_count"));
        Assert.Equal(1, Sample(text, "kubelet_runtime_operations_total{operation_type=\"run_podsandbox\"}"));
        Assert.Equal(2, Sample(text, "kubelet_runtime_operations_total{operation_type=\"start_container\"}"));
        Assert.Empty(DuplicateSeries.Find(text));
    }

    [Fact]
    public async Task A_liveness_kill_and_its_restart_are_one_observation_of_the_probe_histogram_and_none_of_the_crash_one()
    {
        var liveness = new Probe { Exec = new ExecAction { Command = ["true"] }, PeriodSeconds = 1, FailureThreshold = 1 };
        string? first = null;
        // The liveness probe fails against the first instance only.
        var probes = new ScriptedProbes((probe, target) =>
        {
            first ??= target.Handle.Id;
            return probe == target.Container.LivenessProbe && target.Handle.Id == first ? ProbeOutcome.Failure : ProbeOutcome.Success;
        });
        await StartAgentAsync(probes);
        await _cluster.Client.CreateAsync(Pod("unhealthy", liveness), CancellationToken.None);

        var text = await UntilAsync(t => Sample(t, $"axolotl_probe_restart_duration_seconds_count{{node=\"{NodeName}\"}}") >= 1, "the probe restart recorded");

        Assert.Equal(1, Sample(text, $"axolotl_probe_restart_duration_seconds_count{{node=\"{NodeName}\"}}"));
        Assert.Null(Sample(text, $"axolotl_container_restart_duration_seconds_count{{node=\"{NodeName}\"}}"));
        Assert.True(Sample(text, "kubelet_runtime_operations_total{operation_type=\"stop_container\"}") >= 1);
    }

    private sealed class ScriptedProbes(Func<Probe, ProbeTarget, ProbeOutcome> outcome) : IProbeRunner
    {
        public Task<ProbeResult> RunAsync(Probe probe, ProbeTarget target, TimeSpan timeout, CancellationToken ct) =>
            Task.FromResult(outcome(probe, target) is var o && o == ProbeOutcome.Failure ? new ProbeResult(o, "scripted failure") : new ProbeResult(o, ""));
    }
}
