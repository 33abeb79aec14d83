using System.Diagnostics;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>A server started with a short --event-ttl, as kube-apiserver's etcd lease on every Event.</summary>
public sealed class EventTtlFixture : ServerFixture
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    protected override IReadOnlyList<string> ServerArgs => ["--local-agent", "false", "--event-ttl", "5s"];
}

/// <summary>An Event is deleted --event-ttl after its last write, and watchers of both Event APIs see an ordinary DELETED.</summary>
public sealed class EventTtlTests(EventTtlFixture fx) : IClassFixture<EventTtlFixture>
{
    [Fact]
    public async Task An_event_is_deleted_after_the_event_ttl_and_a_watch_sees_it_deleted()
    {
        var ns = await fx.NewNamespaceAsync("event-ttl");
        await using var watcher = fx.Kubectl.Start("get", "events.v1.events.k8s.io", "-n", ns, "--field-selector", "metadata.name=short-lived", "-w", "--output-watch-events");
        var created = Stopwatch.StartNew();
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Event
            metadata:
              name: short-lived
              namespace: {{ns}}
            involvedObject:
              kind: ConfigMap
              name: anything
              namespace: {{ns}}
            reason: Testing
            message: gone after the event TTL
            type: Normal
            """, "create", "-f", "-");
        Assert.Contains("short-lived", await fx.Kubectl.OkAsync("get", "events", "short-lived", "-n", ns, "-o", "name"));
        await watcher.WaitForStdoutAsync(o => o.Contains("ADDED", StringComparison.Ordinal), "ADDED short-lived");

        var seen = await watcher.WaitForStdoutAsync(o => o.Contains("DELETED", StringComparison.Ordinal), "DELETED short-lived", TimeSpan.FromSeconds(60));

        // Never before the TTL (the server deletes at its expiry, not earlier); how much later is the bench's business.
        Assert.True(created.Elapsed >= EventTtlFixture.Ttl, $"deleted {created.Elapsed.TotalSeconds:F1} s after the create");
        Assert.Equal(["ADDED", "DELETED"], TableText.Keys(seen).Where(k => k is "ADDED" or "MODIFIED" or "DELETED").ToArray());
        Assert.Contains("NotFound", await fx.Kubectl.FailAsync("get", "events", "short-lived", "-n", ns));
        Assert.Contains("NotFound", await fx.Kubectl.FailAsync("get", "events.v1.events.k8s.io", "short-lived", "-n", ns));
    }
}
