using System.Text.Json;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Status;

/// <summary>
/// The node's status writes take turns (the kubelet's status manager syncs pods one after another): a pod whose
/// status changes again while it waits for a turn is written once, with the newest status; and each write carries
/// the status with the preconditions, not the whole pod.
/// </summary>
public sealed class PodStatusWriterCoalescingTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeHttpHandler _http = new();
    private readonly KubeClient _client;
    private readonly ManualResetEventSlim _serverSlow = new(initialState: true);

    public PodStatusWriterCoalescingTests()
    {
        _client = KubeClient.Create(new Uri("https://api.test:6443"), _http, bearerToken: "t");
        foreach (var name in new[] { "a", "b", "c" })
        {
            _http.Always(HttpMethod.Put, $"/api/v1/namespaces/default/pods/{name}/status", r =>
            {
                // A server that takes its time: the handler holds the write until the test lets it answer.
                _serverSlow.Wait(Deadline);
                return FakeHttpHandler.JsonText(r.Body!);
            });
        }
    }

    [Fact]
    public async Task A_pod_that_goes_ready_while_waiting_for_its_turn_is_written_once_with_the_newest_status()
    {
        using var writer = new PodStatusWriter(_client, TimeProvider.System, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3), maxInFlight: 1);
        _serverSlow.Reset();
        var a = writer.Submit("ua", () => Pod("a"), Status(ready: false), _ => { }, () => { });
        await _http.WaitForRequestAsync(r => r.Path.EndsWith("/a/status", StringComparison.Ordinal)).WaitAsync(Deadline);

        // While a's write is on the way, b starts and its readiness probe passes.
        _ = writer.Submit("ub", () => Pod("b"), Status(ready: false), _ => { }, () => { });
        var b = writer.Submit("ub", () => Pod("b"), Status(ready: true), _ => { }, () => { });
        _serverSlow.Set();
        await Task.WhenAll(a, b).WaitAsync(Deadline);

        var writes = Puts("b");
        var only = Assert.Single(writes);
        Assert.Equal("True", only.Json!["status"]!["conditions"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Statuses_of_an_idle_node_are_each_written_at_once()
    {
        using var writer = new PodStatusWriter(_client, TimeProvider.System, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3), maxInFlight: 1);
        await writer.Submit("ua", () => Pod("a"), Status(ready: false), _ => { }, () => { }).WaitAsync(Deadline);
        await writer.Submit("ua", () => Pod("a"), Status(ready: true), _ => { }, () => { }).WaitAsync(Deadline);

        Assert.Equal(["False", "True"], Puts("a").Select(r => r.Json!["status"]!["conditions"]![0]!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Other_pods_take_their_turns_while_one_write_is_slow_up_to_the_limit()
    {
        using var writer = new PodStatusWriter(_client, TimeProvider.System, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3), maxInFlight: 2);
        _serverSlow.Reset();
        var writes = new[] { "a", "b", "c" }.Select(n => writer.Submit("u" + n, () => Pod(n), Status(ready: true), _ => { }, () => { })).ToList();
        await _http.WaitForRequestAsync(r => r.Method == HttpMethod.Put, 2).WaitAsync(Deadline);
        // Two on the way, the third waits for a turn.
        Assert.Equal(2, _http.Requests.Count(r => r.Method == HttpMethod.Put));
        _serverSlow.Set();
        await Task.WhenAll(writes).WaitAsync(Deadline);

        Assert.Equal(3, _http.Requests.Count(r => r.Method == HttpMethod.Put));
    }

    [Fact]
    public async Task The_write_carries_the_status_and_its_preconditions_but_not_the_spec_or_managed_fields()
    {
        using var writer = new PodStatusWriter(_client, TimeProvider.System, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3), maxInFlight: 1);
        await writer.Submit("ua", () => Pod("a"), Status(ready: true), _ => { }, () => { }).WaitAsync(Deadline);

        var body = Assert.Single(Puts("a")).Json!;
        Assert.Null(body["spec"]);
        var meta = body["metadata"]!.AsObject();
        Assert.Equal(["name", "namespace", "resourceVersion", "uid"], meta.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("7", meta["resourceVersion"]!.GetValue<string>());
        Assert.Equal("uid-a", meta["uid"]!.GetValue<string>());
        Assert.Equal("Running", body["status"]!["phase"]!.GetValue<string>());
    }

    private static Pod Pod(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new()
        {
            Name = name,
            Namespace = "default",
            Uid = "uid-" + name,
            ResourceVersion = "7",
            Labels = new Dictionary<string, string> { ["app"] = "x" },
            ManagedFields = JsonDocument.Parse("""[{"manager":"kubectl","operation":"Update","apiVersion":"v1"}]""").RootElement,
        },
        Spec = new PodSpec { NodeName = "n1", Containers = [new Container { Name = "c", Image = "busybox" }] },
    };

    private static PodStatus Status(bool ready) => new()
    {
        Phase = "Running",
        Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
    };

    private List<RecordedRequest> Puts(string name) =>
        _http.Requests.Where(r => r.Method == HttpMethod.Put && r.Path.EndsWith($"/{name}/status", StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        _serverSlow.Set();
        _client.Dispose();
        _serverSlow.Dispose();
    }
}
