using Axolotl.Agent.Node;
using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Node;

/// <summary>The node's two heartbeats while its API server is gone and when it comes back.</summary>
public sealed class NodeHeartbeatTests : IDisposable
{
    private const string LeasesPath = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases";
    private const string LeasePath = LeasesPath + "/n1";
    private const string NodePath = "/api/v1/nodes/n1";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeHttpHandler _http = new();
    private readonly FakeTimeProvider _time = new();
    private readonly string _dataDir = Directory.CreateTempSubdirectory("axolotl-heartbeat-").FullName;
    private readonly List<(DateTimeOffset At, string What)> _calls = [];
    private bool _down;

    public NodeHeartbeatTests()
    {
        _http.Always(HttpMethod.Get, LeasePath, _ => Answer("get lease", () => FakeHttpHandler.Json(new Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new() { Name = "n1", Namespace = "kube-node-lease", ResourceVersion = "7" },
            Spec = new LeaseSpec { HolderIdentity = "n1" },
        })));
        _http.Always(HttpMethod.Put, LeasePath, r => Answer("renew lease", () => FakeHttpHandler.JsonText(r.Body!)));
        _http.Always(HttpMethod.Get, NodePath, _ => Answer("get node", () => FakeHttpHandler.Json(new Api.Core.Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new() { Name = "n1", ResourceVersion = "3" },
        })));
        _http.Always(HttpMethod.Put, NodePath + "/status", r => Answer("node status", () => FakeHttpHandler.JsonText(r.Body!)));
    }

    [Fact]
    public async Task A_failed_lease_renewal_is_retried_within_seconds_and_renewed_at_once_when_the_server_answers_again()
    {
        var options = new AgentOptions
        {
            NodeName = "n1",
            DataDir = _dataDir,
            NodeIp = "10.0.0.2",
            LeaseRenewInterval = TimeSpan.FromSeconds(10),
            NodeStatusUpdateInterval = TimeSpan.FromSeconds(10),
        };
        using var client = KubeClient.Create(new Uri("https://api.test:6443"), _http, bearerToken: "t");
        var heartbeat = new NodeHeartbeat(client, options, "fake", _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var start = _time.GetUtcNow();

        _down = true;
        var run = heartbeat.RunAsync(stop.Token);
        await RunClockUntilAsync(() => _time.GetUtcNow() - start >= TimeSpan.FromSeconds(40));
        var outage = Times("get lease");
        // The first beat after the interval, then 0.2, 0.4, 0.8, 1.6 s and every 3 s: never the full 10 s again.
        Assert.Equal(start + TimeSpan.FromSeconds(10), outage[0]);
        Assert.True(outage.Count >= 12, $"{outage.Count} attempts in 30 s");
        Assert.All(outage.Zip(outage.Skip(1), (a, b) => b - a), gap => Assert.InRange(gap, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3)));
        Assert.Empty(Times("renew lease"));

        await _time.WaitForTimersAsync(2).WaitAsync(Deadline);
        _down = false;
        var back = _time.GetUtcNow();
        await RunClockUntilAsync(() => Times("renew lease").Count > 0);
        Assert.InRange(Times("renew lease")[0] - back, TimeSpan.Zero, TimeSpan.FromSeconds(3));

        // Healthy again: the next renewal comes one interval later, not at the retry pace.
        var renewed = Times("renew lease")[0];
        await RunClockUntilAsync(() => Times("renew lease").Count > 1);
        Assert.Equal(TimeSpan.FromSeconds(10), Times("renew lease")[1] - renewed);
        Assert.InRange(Times("node status")[0] - back, TimeSpan.Zero, TimeSpan.FromSeconds(3));

        await stop.CancelAsync();
        await run.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Registration_that_meets_a_concurrent_change_of_the_node_reads_it_again_and_writes_the_status()
    {
        // A controller (node IPAM, the lifecycle controller) wrote the Node between our read and our status write.
        _http.Always(HttpMethod.Put, NodePath, r => Answer("node update", () => FakeHttpHandler.JsonText(r.Body!)));
        _http.Enqueue(HttpMethod.Put, NodePath + "/status", _ => Answer("node status conflict", () => FakeHttpHandler.Status(409, "Conflict",
            "Operation cannot be fulfilled on nodes \"n1\": the object has been modified; please apply your changes to the latest version and try again")));
        var options = new AgentOptions { NodeName = "n1", DataDir = _dataDir, NodeIp = "10.0.0.2" };
        using var client = KubeClient.Create(new Uri("https://api.test:6443"), _http, bearerToken: "t");
        var heartbeat = new NodeHeartbeat(client, options, "fake", _time, NullLogger.Instance);
        // The agent restarted: its Lease is there already.
        _http.Always(HttpMethod.Post, LeasesPath, _ => Answer("create lease", () => FakeHttpHandler.Status(409, "AlreadyExists", "leases.coordination.k8s.io \"n1\" already exists")));

        await heartbeat.RegisterAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Single(Times("node status conflict"));
        Assert.Equal(2, Times("get node").Count);
        Assert.Single(Times("node status"));
        Assert.Single(Times("renew lease"));
    }

    [Fact]
    public async Task A_joining_node_creates_its_lease_without_reading_it_and_renews_it_without_reading_it_again_until_a_renewal_fails()
    {
        _http.Always(HttpMethod.Put, NodePath, r => Answer("node update", () => FakeHttpHandler.JsonText(r.Body!)));
        _http.Always(HttpMethod.Post, LeasesPath, r => Answer("create lease", () => FakeHttpHandler.JsonText(r.Body!)));
        var options = new AgentOptions { NodeName = "n1", DataDir = _dataDir, NodeIp = "10.0.0.2" };
        using var client = KubeClient.Create(new Uri("https://api.test:6443"), _http, bearerToken: "t");
        var heartbeat = new NodeHeartbeat(client, options, "fake", _time, NullLogger.Instance);

        await heartbeat.RegisterAsync(CancellationToken.None).WaitAsync(Deadline);
        await heartbeat.RenewLeaseAsync(CancellationToken.None).WaitAsync(Deadline);
        await heartbeat.RenewLeaseAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Single(Times("create lease"));
        Assert.Empty(Times("get lease"));
        Assert.Equal(2, Times("renew lease").Count);

        // Someone else wrote it: that renewal fails, and the next one reads the Lease again before writing.
        _http.Enqueue(HttpMethod.Put, LeasePath, _ => Answer("renew conflict", () => FakeHttpHandler.Status(409, "Conflict", "the object has been modified")));
        await Assert.ThrowsAsync<KubeApiException>(() => heartbeat.RenewLeaseAsync(CancellationToken.None).WaitAsync(Deadline));
        await heartbeat.RenewLeaseAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Single(Times("get lease"));
        Assert.Equal(3, Times("renew lease").Count);
    }

    [Fact]
    public async Task Registration_writes_the_status_on_the_node_it_was_given_without_reading_it_again()
    {
        _http.Always(HttpMethod.Post, LeasesPath, r => Answer("create lease", () => FakeHttpHandler.JsonText(r.Body!)));
        var options = new AgentOptions { NodeName = "n1", DataDir = _dataDir, NodeIp = "10.0.0.2" };
        using var client = KubeClient.Create(new Uri("https://api.test:6443"), _http, bearerToken: "t");
        var heartbeat = new NodeHeartbeat(client, options, "fake", _time, NullLogger.Instance);
        var known = NodeHeartbeat.NewNode(options, "10.244.3.0/24");
        known.Metadata.ResourceVersion = "5";

        await heartbeat.RegisterAsync(known, CancellationToken.None).WaitAsync(Deadline);

        Assert.Empty(Times("get node"));
        Assert.Single(Times("node status"));
        Assert.Single(Times("create lease"));
    }

    [Fact]
    public void Retries_start_at_the_initial_backoff_and_never_wait_longer_than_the_cap_or_the_beat_interval()
    {
        var heartbeat = new NodeHeartbeat(null!, new AgentOptions(), "fake", _time, NullLogger.Instance);

        var delays = heartbeat.RetryDelays(TimeSpan.FromSeconds(10));
        Assert.Equal([0.2, 0.4, 0.8, 1.6, 3, 3], Enumerable.Range(0, 6).Select(_ => delays.Next().TotalSeconds));

        var fast = heartbeat.RetryDelays(TimeSpan.FromSeconds(1));
        Assert.Equal([0.2, 0.4, 0.8, 1, 1], Enumerable.Range(0, 5).Select(_ => fast.Next().TotalSeconds));
    }

    private HttpResponseMessage Answer(string what, Func<HttpResponseMessage> up)
    {
        lock (_calls)
        {
            _calls.Add((_time.GetUtcNow(), what));
        }
        return _down ? throw new HttpRequestException("Connection refused (api.test:6443)") : up();
    }

    private List<DateTimeOffset> Times(string what)
    {
        lock (_calls)
        {
            return _calls.Where(c => c.What == what).Select(c => c.At).ToList();
        }
    }

    /// <summary>Moves the clock from one due timer to the next (both heartbeats armed each time) until <paramref name="done"/>.</summary>
    private async Task RunClockUntilAsync(Func<bool> done)
    {
        for (var step = 0; !done(); step++)
        {
            Assert.True(step < 1000, "the heartbeats stopped arming timers");
            await _time.WaitForTimersAsync(2).WaitAsync(Deadline);
            _time.Advance(_time.NextDue!.Value);
        }
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
