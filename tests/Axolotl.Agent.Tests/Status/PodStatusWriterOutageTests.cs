using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Status;

/// <summary>The background status writer while the API server cannot be reached, and when it is back.</summary>
public sealed class PodStatusWriterOutageTests : IDisposable
{
    private const string StatusPath = "/api/v1/namespaces/default/pods/p/status";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeHttpHandler _http = new();
    private readonly FakeTimeProvider _time = new();
    private readonly KubeClient _client;
    private readonly PodStatusWriter _writer;
    private readonly Pod _pod = new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new() { Name = "p", Namespace = "default", Uid = "u1", ResourceVersion = "5" },
        Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "busybox" }] },
    };
    private volatile bool _down = true;

    public PodStatusWriterOutageTests()
    {
        _client = KubeClient.Create(new Uri("https://api.test:6443"), _http, bearerToken: "t");
        _writer = new PodStatusWriter(_client, _time, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3));
        _http.Always(HttpMethod.Put, StatusPath, r => _down
            ? throw new HttpRequestException("Connection refused (api.test:6443)")
            : FakeHttpHandler.JsonText(r.Body!.Replace("\"resourceVersion\":\"5\"", "\"resourceVersion\":\"6\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_newest_status_of_an_outage_is_written_within_seconds_of_the_servers_return_and_nothing_older_after_it()
    {
        Pod? stored = null;
        var first = _writer.Submit("u1", () => _pod, Status(1), p => stored = p, () => { }, keep: true);
        // A waiting lane is released by the failed attempt: it must not hang on a server that is gone.
        await first.WaitAsync(Deadline);
        // Forty restarts while the server is down: one status waits, the newest.
        for (var restarts = 2; restarts <= 40; restarts++)
        {
            _ = _writer.Submit("u1", () => _pod, Status(restarts), p => stored = p, () => { }, keep: restarts % 2 == 0);
        }
        Assert.InRange(_writer.PendingFor("u1"), 1, 3);

        // Thirty seconds down: retried every few seconds at most, never dropped.
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(30);)
        {
            await _time.WaitForTimersAsync().WaitAsync(Deadline);
            var due = _time.NextDue!.Value;
            Assert.InRange(due, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3));
            _time.Advance(due);
            elapsed += due;
        }
        Assert.Null(stored);
        var attempts = Puts().Count;
        Assert.InRange(attempts, 10, 40);

        _down = false;
        await _time.WaitForTimersAsync().WaitAsync(Deadline);
        Assert.InRange(_time.NextDue!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        _time.Advance(_time.NextDue!.Value);
        var written = await _http.WaitForRequestAsync(r => r.Method == HttpMethod.Put, attempts + 1).WaitAsync(Deadline);

        Assert.Equal(40, RestartCount(written));
        await Eventually.TrueAsync(() => stored is not null && _writer.Draining == 0, "the newest status stored and the writer drained", () => $"stored: {stored?.Metadata.ResourceVersion ?? "nothing"}, draining: {_writer.Draining}");
        Assert.Equal("6", stored!.Metadata.ResourceVersion);
        // Nothing older follows the newest, and no retry is left armed.
        Assert.Equal(attempts + 1, Puts().Count);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task A_status_the_server_refuses_is_not_retried()
    {
        _http.Always(HttpMethod.Put, StatusPath, _ => FakeHttpHandler.Status(422, "Invalid", "Pod \"p\" is invalid"));
        await _writer.Submit("u1", () => _pod, Status(1), _ => { }, () => { }).WaitAsync(Deadline);
        await Eventually.TrueAsync(() => _writer.Draining == 0, "the writer drained", () => $"draining: {_writer.Draining}");

        Assert.Single(Puts());
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task A_forgotten_pod_is_not_retried()
    {
        await _writer.Submit("u1", () => _pod, Status(1), _ => { }, () => { }).WaitAsync(Deadline);
        await _time.WaitForTimersAsync().WaitAsync(Deadline);
        _writer.Forget("u1");
        _down = false;
        _time.Advance(TimeSpan.FromSeconds(3));
        await Eventually.TrueAsync(() => _writer.Draining == 0, "the writer drained", () => $"draining: {_writer.Draining}");
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Single(Puts());
    }

    private static PodStatus Status(int restarts) => new()
    {
        Phase = "Running",
        ContainerStatuses = [new ContainerStatus { Name = "c", RestartCount = restarts, Image = "busybox", ImageID = "", Ready = true }],
    };

    private static int RestartCount(RecordedRequest request) =>
        request.Json!["status"]!["containerStatuses"]![0]!["restartCount"]!.GetValue<int>();

    private List<RecordedRequest> Puts() => _http.Requests.Where(r => r.Method == HttpMethod.Put).ToList();

    public void Dispose()
    {
        _writer.Dispose();
        _client.Dispose();
    }
}
