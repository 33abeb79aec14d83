using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Status;

/// <summary>The background status writer: newer statuses replace queued ones, except a kept one (a crash).</summary>
[Trait("Category", "Integration")]
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
        var writer = new PodStatusWriter(client);
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
}
