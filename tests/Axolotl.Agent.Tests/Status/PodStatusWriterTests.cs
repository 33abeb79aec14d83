using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Status;

/// <summary>The background status writer: newer statuses replace queued ones, except a kept one (a crash).</summary>
public sealed class PodStatusWriterTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_kept_status_is_written_even_when_newer_ones_follow_at_once()
    {
        var client = _cluster.Client;
        var pod = await client.CreateAsync(new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new() { Name = "p", Namespace = "default" },
            Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "busybox" }] },
        }, CancellationToken.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in client.WatchAsync<Pod>("default", new ListOptions { ResourceVersion = pod.Metadata.ResourceVersion }, stop.Token))
            {
                if (change.Object?.Status?.Message is { } message)
                {
                    seen.Add(message);
                    if (message == "last")
                    {
                        return;
                    }
                }
            }
        });
        var writer = new PodStatusWriter(client, TimeProvider.System);
        var latest = pod;

        // Three submissions in a row: the background write can hardly have taken the first one yet.
        _ = writer.Submit(pod.Metadata.Uid!, () => latest, new PodStatus { Phase = "Running", Message = "crashed" }, stored => latest = stored, () => { }, keep: true);
        _ = writer.Submit(pod.Metadata.Uid!, () => latest, new PodStatus { Phase = "Running", Message = "between" }, stored => latest = stored, () => { });
        var done = writer.Submit(pod.Metadata.Uid!, () => latest, new PodStatus { Phase = "Running", Message = "last" }, stored => latest = stored, () => { });
        await done.WaitAsync(TimeSpan.FromSeconds(10));
        await watching;

        Assert.Equal("crashed", seen[0]);
        Assert.Equal("last", seen[^1]);
    }

    [Fact]
    public async Task A_status_written_while_the_api_server_is_away_lands_once_it_answers_again()
    {
        var pod = await _cluster.Client.CreateAsync(new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new() { Name = "offline", Namespace = "default" },
            Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "busybox" }] },
        }, CancellationToken.None);
        var outage = new Outage(failures: 4) { InnerHandler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true } };
        using var client = KubeClient.Create(_cluster.Host.LoopbackUrl, outage, _cluster.Host.Tokens.AdminToken);
        var writer = new PodStatusWriter(client, TimeProvider.System);
        var latest = pod;

        var done = writer.Submit(pod.Metadata.Uid!, () => latest, new PodStatus { Phase = "Running", Message = "restarted 3 times meanwhile" }, stored => latest = stored, () => { });
        await done.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(4, outage.Refused);
        var stored = await _cluster.Client.GetAsync<Pod>("default", "offline", CancellationToken.None);
        Assert.Equal("restarted 3 times meanwhile", stored.Status?.Message);
    }

    /// <summary>Refuses the first few requests as a stopped server does, then lets them through.</summary>
    private sealed class Outage(int failures) : DelegatingHandler
    {
        private int _seen;

        public int Refused => Math.Min(Volatile.Read(ref _seen), failures);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _seen) <= failures
                ? throw new HttpRequestException("Connection refused (127.0.0.1:6443)")
                : base.SendAsync(request, cancellationToken);
    }
}
