using System.Collections.Concurrent;
using Axolotl.Agent.Probes;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Runtime;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Probes;

/// <summary>The prober's timing and threshold rules on a fake clock, with scripted probe results.</summary>
[Trait("Category", "Integration")]
public sealed class ProbeManagerTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentDictionary<Probe, ConcurrentQueue<ProbeOutcome>> _scripts = new();
    private readonly ConcurrentDictionary<Probe, int> _calls = new();
    private readonly ConcurrentBag<string> _triggers = [];
    private InProcessCluster _cluster = null!;
    private EventRecorder _events = null!;
    private ProbeManager _manager = null!;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        _events = new EventRecorder(_cluster.Client, new EventRecorderOptions { Component = "kubelet", Host = "n1" }, TimeProvider.System, NullLogger.Instance);
        _manager = new ProbeManager(RunAsync, _events, _time, NullLogger.Instance, uid => _triggers.Add(uid));
    }

    public async Task DisposeAsync()
    {
        await _manager.DisposeAsync();
        await _events.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private Task<ProbeResult> RunAsync(Probe probe, ProbeTarget target, TimeSpan timeout, CancellationToken ct)
    {
        _calls.AddOrUpdate(probe, 1, (_, n) => n + 1);
        var outcome = _scripts.TryGetValue(probe, out var script) && script.TryDequeue(out var next) ? next : ProbeOutcome.Success;
        return Task.FromResult(new ProbeResult(outcome, outcome == ProbeOutcome.Failure ? "HTTP probe failed with statuscode: 500" : ""));
    }

    private Probe Scripted(int period, params ProbeOutcome[] outcomes)
    {
        var probe = new Probe { HttpGet = new HTTPGetAction { Port = 8080 }, PeriodSeconds = period };
        _scripts[probe] = new ConcurrentQueue<ProbeOutcome>(outcomes);
        return probe;
    }

    private static (Pod Pod, Container Container, ContainerHandle Handle) Pod(DateTimeOffset startedAt, Action<Container> configure, Dictionary<string, string>? annotations = null)
    {
        var container = new Container { Name = "app", Image = "busybox" };
        configure(container);
        var pod = new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new() { Name = "p", Namespace = "default", Uid = "uid-1", Annotations = annotations },
            Spec = new PodSpec { Containers = [container] },
        };
        return (pod, container, new ContainerHandle("c1", "uid-1", "app", 1, startedAt, "/dev/null"));
    }

    private int Calls(Probe probe) => _calls.GetValueOrDefault(probe);

    /// <summary>Moves the clock once every worker is parked on its next tick, then waits for the probe to have run <paramref name="calls"/> times.</summary>
    private async Task AdvanceAsync(TimeSpan by, Probe probe, int calls, int workers = 1)
    {
        await _time.WaitForTimersAsync(workers).WaitAsync(Wait);
        _time.Advance(by);
        await Eventually.TrueAsync(() => Calls(probe) >= calls, $"probe call {calls} did not happen");
    }

    [Fact]
    public async Task A_liveness_failure_asks_for_a_kill_only_at_the_failure_threshold()
    {
        var liveness = Scripted(10, ProbeOutcome.Failure, ProbeOutcome.Failure, ProbeOutcome.Failure);
        var (pod, container, handle) = Pod(_time.GetUtcNow(), c => c.LivenessProbe = liveness);

        _manager.ContainerStarted(pod, container, handle, "10.244.0.2");
        await Eventually.TrueAsync(() => Calls(liveness) == 1, "first probe at start");
        await AdvanceAsync(TimeSpan.FromSeconds(10), liveness, 2);
        Assert.Null(_manager.TakeKill("uid-1", "app", "c1"));

        await AdvanceAsync(TimeSpan.FromSeconds(10), liveness, 3);
        await Eventually.TrueAsync(() => _triggers.Contains("uid-1"), "lane triggered");
        Assert.Equal(ProbeKind.Liveness, _manager.TakeKill("uid-1", "app", "c1"));
        Assert.Null(_manager.TakeKill("uid-1", "app", "c1"));
        Assert.False(_manager.StateOf("uid-1", "app", "c1").Ready);
    }

    [Fact]
    public async Task Readiness_starts_failed_and_flips_with_its_thresholds()
    {
        var readiness = Scripted(10, ProbeOutcome.Success, ProbeOutcome.Failure, ProbeOutcome.Failure, ProbeOutcome.Failure);
        readiness.FailureThreshold = 3;
        var (pod, container, handle) = Pod(_time.GetUtcNow(), c => c.ReadinessProbe = readiness);

        Assert.True(_manager.StateOf("uid-1", "app", "c1").Ready, "no probes registered yet: the caller decides");
        _manager.ContainerStarted(pod, container, handle, "10.244.0.2");
        await Eventually.TrueAsync(() => _manager.StateOf("uid-1", "app", "c1").Ready, "ready after the first success");

        await AdvanceAsync(TimeSpan.FromSeconds(10), readiness, 2);
        await AdvanceAsync(TimeSpan.FromSeconds(10), readiness, 3);
        Assert.True(_manager.StateOf("uid-1", "app", "c1").Ready);
        await AdvanceAsync(TimeSpan.FromSeconds(10), readiness, 4);
        await Eventually.TrueAsync(() => !_manager.StateOf("uid-1", "app", "c1").Ready, "not ready after three failures");
        Assert.Null(_manager.TakeKill("uid-1", "app", "c1"));
    }

    [Fact]
    public async Task A_startup_probe_holds_liveness_back_until_it_passes()
    {
        var startup = Scripted(1, ProbeOutcome.Failure, ProbeOutcome.Failure, ProbeOutcome.Success);
        startup.FailureThreshold = 5;
        var liveness = Scripted(1);
        var (pod, container, handle) = Pod(_time.GetUtcNow(), c =>
        {
            c.StartupProbe = startup;
            c.LivenessProbe = liveness;
        });

        _manager.ContainerStarted(pod, container, handle, "10.244.0.2");
        await Eventually.TrueAsync(() => Calls(startup) == 1, "startup probed at once");
        Assert.False(_manager.StateOf("uid-1", "app", "c1").Started);
        // Warm-up retries of the startup probe run at 50 ms, 100 ms … before the next 1 s tick.
        await AdvanceAsync(TimeSpan.FromMilliseconds(50), startup, 2, workers: 2);
        await AdvanceAsync(TimeSpan.FromMilliseconds(100), startup, 3, workers: 2);
        await Eventually.TrueAsync(() => _manager.StateOf("uid-1", "app", "c1").Started, "started after the startup probe passed");
        Assert.Equal(0, Calls(liveness));

        await AdvanceAsync(TimeSpan.FromSeconds(1), liveness, 1);
        Assert.Equal(3, Calls(startup));
    }

    [Fact]
    public async Task InitialDelaySeconds_counts_from_the_container_start()
    {
        var liveness = Scripted(10);
        liveness.InitialDelaySeconds = 15;
        var (pod, container, handle) = Pod(_time.GetUtcNow() - TimeSpan.FromSeconds(5), c => c.LivenessProbe = liveness);

        _manager.ContainerStarted(pod, container, handle, "10.244.0.2");
        await _time.WaitForTimersAsync(1).WaitAsync(Wait);
        _time.Advance(TimeSpan.FromSeconds(9.9));
        await QuietPeriod.HoldsAsync(TimeSpan.FromMilliseconds(20), () => Calls(liveness) == 0, "no probe before the initial delay", () => $"{Calls(liveness)} calls");
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await Eventually.TrueAsync(() => Calls(liveness) == 1, "first probe 15 s after the start");
    }

    [Fact]
    public async Task The_timing_annotation_gives_sub_second_periods()
    {
        var liveness = Scripted(10, ProbeOutcome.Failure, ProbeOutcome.Failure, ProbeOutcome.Failure);
        var (pod, container, handle) = Pod(_time.GetUtcNow(), c => c.LivenessProbe = liveness,
            new Dictionary<string, string> { ["probes.axolotl.io/app.liveness"] = "period=200ms,timeout=100ms" });

        _manager.ContainerStarted(pod, container, handle, "10.244.0.2");
        await Eventually.TrueAsync(() => Calls(liveness) == 1, "first probe");
        await AdvanceAsync(TimeSpan.FromMilliseconds(200), liveness, 2);
        await AdvanceAsync(TimeSpan.FromMilliseconds(200), liveness, 3);
        await Eventually.TrueAsync(() => _manager.TakeKill("uid-1", "app", "c1") is not null, "killed after 3 × 200 ms");
    }

    [Fact]
    public async Task A_stopped_container_reads_not_ready_and_is_not_probed_any_more()
    {
        var readiness = Scripted(10);
        var (pod, container, handle) = Pod(_time.GetUtcNow(), c => c.ReadinessProbe = readiness);
        _manager.ContainerStarted(pod, container, handle, "10.244.0.2");
        await Eventually.TrueAsync(() => _manager.StateOf("uid-1", "app", "c1").Ready, "ready");

        _manager.ContainerStopped("uid-1", "app");
        _time.Advance(TimeSpan.FromSeconds(30));
        await QuietPeriod.HoldsAsync(TimeSpan.FromMilliseconds(20), () => Calls(readiness) == 1, "no probe after the stop", () => $"{Calls(readiness)} calls");
        Assert.Equal(0, _manager.WorkerCount);
    }

    [Fact]
    public async Task A_readopted_container_keeps_its_published_readiness()
    {
        var readiness = Scripted(10, ProbeOutcome.Failure);
        var (pod, container, handle) = Pod(_time.GetUtcNow() - TimeSpan.FromMinutes(5), c => c.ReadinessProbe = readiness);

        _manager.ContainerStarted(pod, container, handle, "10.244.0.2", new ProbeSeed(Started: true, Ready: true));
        Assert.True(_manager.StateOf("uid-1", "app", "c1").Ready);
        await Eventually.TrueAsync(() => Calls(readiness) == 1, "probed");
        // One failure is below the threshold of 3: still ready.
        Assert.True(_manager.StateOf("uid-1", "app", "c1").Ready);
    }
}
