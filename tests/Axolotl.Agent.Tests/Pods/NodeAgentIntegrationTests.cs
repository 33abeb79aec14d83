using Axolotl.Agent.Pods;
using Axolotl.Agent.Tests.Images;
using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Axolotl.Agent.Volumes;
using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Images;
using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Pods;

/// <summary>The agent against the in-process API server with the fake runtime: real watches, real status writes.</summary>
public sealed class NodeAgentIntegrationTests : IAsyncLifetime
{
    private const string NodeName = "it-node";
    private InProcessCluster _cluster = null!;
    private readonly FakeRuntime _runtime = new(TimeProvider.System);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("axolotl-agent-it-").FullName;
    private NodeAgent? _agent;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }
        await _cluster.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private KubeClient Client => _cluster.Client;

    private async Task<NodeAgent> StartAgentAsync(IPodReadinessObserver? readiness = null, TimeSpan? volumeRefresh = null, IHeldListeners? held = null)
    {
        var options = new AgentOptions { NodeName = NodeName, DataDir = _dataDir, NodeIp = "127.0.0.1", VolumeRetry = TimeSpan.FromMilliseconds(200) };
        if (volumeRefresh is { } refresh)
        {
            options = options with { VolumeRefreshInterval = refresh };
        }
        var backoff = new RestartBackoffOptions { Initial = TimeSpan.FromMilliseconds(200), Max = TimeSpan.FromMilliseconds(400) };
        return await NodeAgent.StartAsync(Client, options, _runtime, backoff,
            NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None, readiness: readiness, imageOptions: await TestImageLayout.OptionsAsync(_dataDir),
            heldListeners: held);
    }

    private static Pod BusyboxPod(string name, string restartPolicy = "Always") => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new() { Name = name, Namespace = "default" },
        Spec = new PodSpec
        {
            NodeName = NodeName,
            RestartPolicy = restartPolicy,
            TerminationGracePeriodSeconds = 5,
            Containers = [new Container { Name = "app", Image = "busybox:1.36", Command = ["sleep", "3600"] }],
        },
    };

    private Task<Pod> WaitForAsync(string name, Func<Pod, bool> condition, string what) =>
        Eventually.UntilAsync(
            async () => await Client.Resource<Pod>().TryGetAsync("default", name, CancellationToken.None),
            pod => pod is not null && condition(pod),
            $"pod {name} to get {what}",
            pod => $"last status: {Api.Serialization.KubeJson.Serialize(pod?.Status)}",
            timeout: TimeSpan.FromSeconds(20))!;

    [Fact]
    public async Task A_pod_whose_listener_the_node_may_hold_is_started_without_an_armed_restart()
    {
        _runtime.PreparesStandbys = true;
        var held = await Client.CreateAsync(BusyboxPod("held"), CancellationToken.None);
        await Client.CreateAsync(BusyboxPod("free"), CancellationToken.None);
        _agent = await StartAgentAsync(held: new HoldingOnly(held.Metadata.Uid!));

        await WaitForAsync("held", p => p.Status?.Phase == "Running", "Running");
        await WaitForAsync("free", p => p.Status?.Phase == "Running", "Running");

        // Both restart at once (the runtime's decision at the exit); only the pod that is not held may be armed (ADR 0002, 0030).
        var heldSpec = Assert.Single(_runtime.Started, s => s.PodUid == held.Metadata.Uid);
        var freeSpec = Assert.Single(_runtime.Started, s => s.PodUid != held.Metadata.Uid);
        Assert.NotNull(heldSpec.RestartsAtOnce);
        Assert.NotNull(heldSpec.NextAttempt);
        Assert.Null(heldSpec.ArmsNext);
        Assert.NotNull(freeSpec.RestartsAtOnce);
        Assert.NotNull(freeSpec.ArmsNext);
    }

    private sealed class HoldingOnly(string uid) : IHeldListeners
    {
        public bool Holds(string podUid) => podUid == uid;

        public void Exited(string podUid)
        {
        }
    }

    [Fact]
    public async Task The_agent_registers_its_node_and_lease()
    {
        _agent = await StartAgentAsync();

        var node = await Client.GetAsync<Api.Core.Node>(null, NodeName, CancellationToken.None);
        Assert.Equal("True", node.Status!.Conditions!.Single(c => c.Type == "Ready").Status);
        Assert.Equal("axolotl://fake (no processes)", node.Status.NodeInfo!.ContainerRuntimeVersion);
        Assert.Equal("10.244.0.0/24", node.Spec!.PodCIDR);
        var lease = await Client.GetAsync<Lease>("kube-node-lease", NodeName, CancellationToken.None);
        Assert.Equal(NodeName, lease.Spec!.HolderIdentity);
        Assert.NotNull(lease.Spec.RenewTime);
    }

    [Fact]
    public async Task A_bound_pod_runs_and_reports_Running_with_container_statuses_and_events()
    {
        _agent = await StartAgentAsync();
        await Client.CreateAsync(BusyboxPod("web"), CancellationToken.None);

        var pod = await WaitForAsync("web", p => p.Status?.Phase == "Running" && p.Status.ContainerStatuses?[0].Ready == true, "Running");

        var cs = Assert.Single(pod.Status!.ContainerStatuses!);
        Assert.StartsWith("axolotl://fake-", cs.ContainerID, StringComparison.Ordinal);
        Assert.NotNull(cs.State!.Running);
        Assert.Equal(0, cs.RestartCount);
        Assert.StartsWith("docker.io/library/busybox@sha256:", cs.ImageID, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", pod.Status.HostIP);
        Assert.NotNull(pod.Status.StartTime);
        Assert.Equal("True", pod.Status.Conditions!.Single(c => c.Type == "Ready").Status);
        var started = Assert.Single(_runtime.Started);
        Assert.Equal(["sleep", "3600"], started.Command);
        Assert.EndsWith(Path.Combine(pod.Metadata.Uid!, "app", "0.log"), started.LogPath, StringComparison.Ordinal);

        await _agent.Context.Events.FlushAsync(CancellationToken.None);
        var events = await Client.ListAsync<Event>("default", null, CancellationToken.None);
        var reasons = events.Items.Where(e => e.InvolvedObject.Name == "web").Select(e => (e.Reason, e.Message)).ToList();
        Assert.Contains(("Created", "Created container app"), reasons);
        Assert.Contains(("Started", "Started container app"), reasons);
        Assert.All(events.Items, e => Assert.Equal(("kubelet", NodeName), (e.Source!.Component, e.Source.Host)));
    }

    [Fact]
    public async Task A_crashing_container_restarts_with_a_growing_restart_count_and_CrashLoopBackOff()
    {
        _runtime.Behaviour = _ => new FakeContainerBehaviour(ExitAfter: TimeSpan.FromMilliseconds(30), ExitCode: 1);
        _agent = await StartAgentAsync();
        await Client.CreateAsync(BusyboxPod("crasher"), CancellationToken.None);

        var pod = await WaitForAsync("crasher", p => p.Status?.ContainerStatuses?[0].RestartCount >= 3, "3 restarts");

        var cs = pod.Status!.ContainerStatuses![0];
        Assert.Equal(1, cs.LastState!.Terminated!.ExitCode);
        Assert.Equal("Error", cs.LastState.Terminated.Reason);
        Assert.Equal("Running", pod.Status.Phase);
        await _agent.Context.Events.FlushAsync(CancellationToken.None);
        var events = await Client.ListAsync<Event>("default", null, CancellationToken.None);
        var backOff = events.Items.Single(e => e.Reason == "BackOff" && e.InvolvedObject.Name == "crasher");
        Assert.Equal($"Back-off restarting failed container app in pod crasher_default({pod.Metadata.Uid})", backOff.Message);
        Assert.Equal("Warning", backOff.Type);
    }

    [Fact]
    public async Task A_crash_shows_on_a_watch_as_terminated_before_the_immediate_restart_shows_running()
    {
        // The fake runtime restarts in microseconds: without the kept crash status, the restart's would replace it unwritten.
        _runtime.Behaviour = _ => new FakeContainerBehaviour(ExitAfter: TimeSpan.FromMilliseconds(300), ExitCode: 1);
        _agent = await StartAgentAsync();
        var list = await Client.Resource<Pod>().ListAsync("default", null, CancellationToken.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var states = new List<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in Client.WatchAsync<Pod>("default", new ListOptions { ResourceVersion = list.ResourceVersion }, stop.Token))
            {
                if (change.Object?.Status?.ContainerStatuses is [var cs, ..])
                {
                    var state = cs.State?.Running is not null ? "Running" : cs.State?.Terminated is { } t ? $"Terminated {t.Reason} {t.ExitCode}" : $"Waiting {cs.State?.Waiting?.Reason}";
                    states.Add($"{state} restarts={cs.RestartCount}");
                    if (cs.RestartCount >= 1 && cs.State?.Running is not null)
                    {
                        return;
                    }
                }
            }
        });

        await Client.CreateAsync(BusyboxPod("crasher"), CancellationToken.None);
        await watching;

        // Under load the second crash can come before the restart's Running is written; the first crash must still be seen first.
        var crash = states.IndexOf("Terminated Error 1 restarts=0");
        var restarted = states.FindIndex(s => !s.EndsWith(" restarts=0", StringComparison.Ordinal));
        Assert.True(crash >= 0 && crash < restarted, string.Join(" → ", states));
    }

    [Fact]
    public async Task Volumes_are_ready_before_the_container_starts_and_bound_where_it_mounts_them()
    {
        _agent = await StartAgentAsync();
        await Client.CreateAsync(new ConfigMap
        {
            Metadata = new() { Name = "settings", Namespace = "default" },
            Data = new() { ["app.json"] = "{\"mode\":\"a\"}", ["other"] = "x" },
        }, CancellationToken.None);
        var pod = BusyboxPod("with-volumes");
        pod.Spec!.Volumes =
        [
            new Volume { Name = "cache", EmptyDir = new EmptyDirVolumeSource() },
            new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = "settings", Items = [new KeyToPath { Key = "app.json", Path = "app.json" }] } },
        ];
        pod.Spec.Containers[0].VolumeMounts =
        [
            new VolumeMount { Name = "config", MountPath = "/etc/app/" },
            new VolumeMount { Name = "cache", MountPath = "/cache" },
        ];
        await Client.CreateAsync(pod, CancellationToken.None);

        var running = await WaitForAsync("with-volumes", p => p.Status?.Phase == "Running", "Running");

        var volumes = Path.Combine(_dataDir, "pods", running.Metadata.Uid!, PodVolumeManager.DirectoryName);
        var cache = Path.Combine(volumes, "kubernetes.io~empty-dir", "cache");
        var config = Path.Combine(volumes, "kubernetes.io~configmap", "config");
        // Parents first; configMap volumes are read-only whatever the mount says; last, the attempt's own
        // termination-message file at the default terminationMessagePath.
        var terminationLog = Path.Combine(_dataDir, "pods", running.Metadata.Uid!, "app", "0.termination-log");
        Assert.Equal([new ContainerMount(cache, "/cache", false), new ContainerMount(config, "/etc/app", true),
            new ContainerMount(terminationLog, "/dev/termination-log", false)], _runtime.Started.Single().Mounts);
        Assert.True(Directory.Exists(cache));
        Assert.Equal("{\"mode\":\"a\"}", await File.ReadAllTextAsync(Path.Combine(config, "app.json")));
        Assert.False(File.Exists(Path.Combine(config, "other")));
    }

    [Fact]
    public async Task A_missing_ConfigMap_holds_the_pod_in_ContainerCreating_with_FailedMount_and_its_edits_reach_the_volume()
    {
        _agent = await StartAgentAsync(volumeRefresh: TimeSpan.FromMilliseconds(100));
        var pod = BusyboxPod("waits-for-config");
        pod.Spec!.Volumes = [new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = "late" } }];
        pod.Spec.Containers[0].VolumeMounts = [new VolumeMount { Name = "config", MountPath = "/config" }];
        var created = await Client.CreateAsync(pod, CancellationToken.None);

        var failed = await WaitForEventAsync("waits-for-config", "FailedMount");
        Assert.Equal(("Warning", "MountVolume.SetUp failed for volume \"config\" : configmap \"late\" not found"), (failed.Type, failed.Message));
        await WaitForAsync("waits-for-config", p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting?.Reason == "ContainerCreating", "ContainerCreating");
        Assert.Empty(_runtime.Started);

        await Client.CreateAsync(new ConfigMap { Metadata = new() { Name = "late", Namespace = "default" }, Data = new() { ["level"] = "info" } }, CancellationToken.None);
        await WaitForAsync("waits-for-config", p => p.Status?.Phase == "Running", "Running once the ConfigMap exists");
        var file = Path.Combine(_dataDir, "pods", created.Metadata.Uid!, PodVolumeManager.DirectoryName, "kubernetes.io~configmap", "config", "level");
        Assert.Equal("info", await File.ReadAllTextAsync(file));

        await Client.PatchAsync<ConfigMap>("default", "late", PatchType.Merge, """{"data":{"level":"debug"}}""", CancellationToken.None);
        await Eventually.TrueAsync(async () => await File.ReadAllTextAsync(file) == "debug", "the edit to reach the volume", timeout: TimeSpan.FromSeconds(10));
    }

    private async Task<Event> WaitForEventAsync(string pod, string reason) =>
        (await Eventually.UntilAsync(
            async () =>
            {
                await _agent!.Context.Events.FlushAsync(CancellationToken.None);
                var events = await Client.ListAsync<Event>("default", null, CancellationToken.None);
                return events.Items.FirstOrDefault(e => e.InvolvedObject.Name == pod && e.Reason == reason);
            },
            found => found is not null,
            $"a {reason} event for {pod}",
            timeout: TimeSpan.FromSeconds(10)))!;

    [Fact]
    public async Task A_container_that_exits_0_under_restartPolicy_Never_completes_the_pod()
    {
        _runtime.Behaviour = _ => new FakeContainerBehaviour(ExitAfter: TimeSpan.FromMilliseconds(30), ExitCode: 0);
        _agent = await StartAgentAsync();
        await Client.CreateAsync(BusyboxPod("job", "Never"), CancellationToken.None);

        var pod = await WaitForAsync("job", p => p.Status?.Phase == "Succeeded", "Succeeded");

        Assert.Equal("Completed", pod.Status!.ContainerStatuses![0].State!.Terminated!.Reason);
        Assert.Single(_runtime.Started);
        Assert.Empty(_runtime.Sandboxes);
    }

    [Fact]
    public async Task A_missing_ConfigMap_key_shows_CreateContainerConfigError()
    {
        _agent = await StartAgentAsync();
        var pod = BusyboxPod("cfg");
        pod.Spec!.Containers[0].Env = [new EnvVar { Name = "X", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "absent", Key = "k" } } }];
        await Client.CreateAsync(pod, CancellationToken.None);

        var seen = await WaitForAsync("cfg", p => p.Status?.ContainerStatuses?[0].State?.Waiting?.Reason == "CreateContainerConfigError", "CreateContainerConfigError");

        Assert.Equal("configmap \"absent\" not found", seen.Status!.ContainerStatuses![0].State!.Waiting!.Message);
        Assert.Equal("Pending", seen.Status.Phase);
    }

    [Fact]
    public async Task An_unknown_image_gives_ErrImagePull_then_ImagePullBackOff()
    {
        _agent = await StartAgentAsync();
        var pod = BusyboxPod("badimage");
        pod.Spec!.Containers[0].Image = "nosuchimage-axolotl:v9";
        await Client.CreateAsync(pod, CancellationToken.None);

        var failed = await WaitForAsync("badimage", p => p.Status?.ContainerStatuses?[0].State?.Waiting?.Reason == "ErrImagePull", "ErrImagePull");
        var backOff = await WaitForAsync("badimage", p => p.Status?.ContainerStatuses?[0].State?.Waiting?.Reason == "ImagePullBackOff", "ImagePullBackOff");

        // 1.32 keeps the pull's error in the back-off's message.
        var pullError = failed.Status!.ContainerStatuses![0].State!.Waiting!.Message;
        Assert.Equal($"Back-off pulling image \"nosuchimage-axolotl:v9\": ErrImagePull: {pullError}", backOff.Status!.ContainerStatuses![0].State!.Waiting!.Message);
        Assert.Empty(_runtime.Started);
    }

    [Fact]
    public async Task The_readiness_observer_hears_each_change_and_the_pod_going()
    {
        var heard = new RecordingReadiness();
        var starts = 0;
        // The first two instances crash; the second crash waits out a back-off, not ready meanwhile.
        _runtime.Behaviour = _ => Interlocked.Increment(ref starts) <= 2 ? new FakeContainerBehaviour(ExitAfter: TimeSpan.FromMilliseconds(300), ExitCode: 1) : null;
        _agent = await StartAgentAsync(heard);
        var created = await Client.CreateAsync(BusyboxPod("crasher"), CancellationToken.None);
        var uid = created.Metadata.Uid!;

        var pod = await WaitForAsync("crasher", p => p.Status?.ContainerStatuses?[0].RestartCount == 2 && p.Status.ContainerStatuses[0].Ready, "two restarts");
        var ip = System.Net.IPAddress.Parse(pod.Status!.PodIP!);
        var changes = heard.For(uid);
        Assert.Equal((uid, ip, (bool?)true), changes[0]);
        Assert.Contains((uid, ip, (bool?)false), changes);
        Assert.Equal((uid, ip, (bool?)true), changes[^1]);
        Assert.All(changes.Zip(changes.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));

        // Deletion: not ready before the containers stop, then gone.
        await Client.DeleteAsync<Pod>("default", "crasher", null, CancellationToken.None);
        await heard.WaitAsync(uid, changes.Count + 2);
        Assert.Equal([(uid, ip, (bool?)false), (uid, null, null)], heard.For(uid).Skip(changes.Count));
    }

    /// <summary>What a node's proxy would hear from the agent, in order; null readiness means the pod went.</summary>
    private sealed class RecordingReadiness : IPodReadinessObserver
    {
        private readonly List<(string Uid, System.Net.IPAddress? Ip, bool? Ready)> _heard = [];

        public void ReadinessChanged(string podUid, System.Net.IPAddress podIp, bool ready)
        {
            lock (_heard)
            {
                _heard.Add((podUid, podIp, ready));
            }
        }

        public void PodGone(string podUid)
        {
            lock (_heard)
            {
                _heard.Add((podUid, null, null));
            }
        }

        public List<(string, System.Net.IPAddress?, bool?)> For(string uid)
        {
            lock (_heard)
            {
                return _heard.Where(h => h.Uid == uid).ToList();
            }
        }

        public async Task WaitAsync(string uid, int count)
        {
            await Eventually.TrueAsync(() => For(uid).Count >= count, $"{count} reports", () => $"heard only {For(uid).Count}: {string.Join(", ", For(uid))}", TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task Deleting_a_pod_stops_its_containers_and_removes_the_object()
    {
        _agent = await StartAgentAsync();
        await Client.CreateAsync(BusyboxPod("doomed"), CancellationToken.None);
        await WaitForAsync("doomed", p => p.Status?.Phase == "Running", "Running");
        Assert.Single(_runtime.Running);

        await Client.DeleteAsync<Pod>("default", "doomed", null, CancellationToken.None);

        await Eventually.TrueAsync(
            async () => await Client.Resource<Pod>().TryGetAsync("default", "doomed", CancellationToken.None) is null,
            "the pod object to be removed", timeout: TimeSpan.FromSeconds(20));
        Assert.Empty(_runtime.Running);
        Assert.Empty(_runtime.Sandboxes);
        await _agent.Context.Events.FlushAsync(CancellationToken.None);
        var events = await Client.ListAsync<Event>("default", null, CancellationToken.None);
        Assert.Contains(events.Items, e => e.Reason == "Killing" && e.Message == "Stopping container app");
    }

    [Fact]
    public async Task A_restarted_agent_re_adopts_running_containers_without_restarting_them()
    {
        _agent = await StartAgentAsync();
        await Client.CreateAsync(BusyboxPod("survivor"), CancellationToken.None);
        var before = await WaitForAsync("survivor", p => p.Status?.Phase == "Running", "Running");
        await _agent.DisposeAsync();

        _agent = await StartAgentAsync();
        await _agent.Pods.Lanes.WhenAllIdleAsync();
        var after = await WaitForAsync("survivor", p => p.Status?.Phase == "Running", "Running");

        Assert.Single(_runtime.Started);
        Assert.Equal(before.Status!.ContainerStatuses![0].ContainerID, after.Status!.ContainerStatuses![0].ContainerID);
        Assert.Equal(0, after.Status.ContainerStatuses[0].RestartCount);
        var worker = _agent.Pods.Find(after.Metadata.Uid!);
        Assert.NotNull(worker);
        Assert.Single(worker.Live);
    }
}
