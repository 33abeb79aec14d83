using Axolotl.Commands;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Cli.Tests;

/// <summary>The node host's start and stop order: parts stop last first, and a failed start stops what started before it.</summary>
public sealed class StartedPartsTests
{
    private readonly List<string> _events = [];

    [Fact]
    public async Task Parts_stop_in_the_reverse_of_the_order_they_started()
    {
        var parts = new StartedParts(NullLogger.Instance);

        await StartAsync(parts, "agent");
        await StartAsync(parts, "kubelet");
        await StartAsync(parts, "proxy");
        await parts.DisposeAsync();

        Assert.Equal(["start agent", "start kubelet", "start proxy", "stop proxy", "stop kubelet", "stop agent"], _events);
    }

    [Fact]
    public async Task A_part_that_fails_to_start_stops_the_ones_started_before_it_and_its_exception_goes_on()
    {
        var parts = new StartedParts(NullLogger.Instance);
        var refused = new IOException("address in use");
        await StartAsync(parts, "agent");
        await StartAsync(parts, "kubelet");

        var thrown = await Assert.ThrowsAsync<IOException>(() => parts.StartAsync<Part>("proxy", () => throw refused));

        Assert.Same(refused, thrown);
        Assert.Equal(["start agent", "start kubelet", "stop kubelet", "stop agent"], _events);
    }

    [Fact]
    public async Task A_start_that_fails_asynchronously_stops_the_parts_before_it_too()
    {
        var parts = new StartedParts(NullLogger.Instance);
        await StartAsync(parts, "agent");

        await Assert.ThrowsAsync<OperationCanceledException>(() => parts.StartAsync<Part>("kubelet", async () =>
        {
            await Task.Yield();
            throw new OperationCanceledException();
        }));

        Assert.Equal(["start agent", "stop agent"], _events);
    }

    [Fact]
    public async Task A_part_that_starts_nothing_has_nothing_to_stop()
    {
        var parts = new StartedParts(NullLogger.Instance);
        await StartAsync(parts, "agent");

        var routes = await parts.StartAsync("routes", () => Task.FromResult<Part?>(null));
        await parts.DisposeAsync();

        Assert.Null(routes);
        Assert.Equal(["start agent", "stop agent"], _events);
    }

    [Fact]
    public async Task A_part_may_have_a_stop_of_its_own_instead_of_being_disposed()
    {
        var parts = new StartedParts(NullLogger.Instance);

        var agent = await parts.StartAsync("agent", () => Task.FromResult("the agent"), async started =>
        {
            _events.Add($"stop {started}");
            await Task.Yield();
            _events.Add("clean up after it");
        });
        await parts.DisposeAsync();

        Assert.Equal("the agent", agent);
        Assert.Equal(["stop the agent", "clean up after it"], _events);
    }

    [Fact]
    public async Task A_stop_that_throws_does_not_keep_the_parts_started_before_it_from_stopping_and_is_thrown_after()
    {
        var parts = new StartedParts(NullLogger.Instance);
        await StartAsync(parts, "agent");
        await StartAsync(parts, "kubelet", failStop: true);
        await StartAsync(parts, "proxy");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => parts.DisposeAsync().AsTask());

        Assert.Equal("kubelet would not stop", thrown.Message);
        Assert.Equal(["stop proxy", "stop kubelet", "stop agent"], _events.Where(e => e.StartsWith("stop", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Several_stops_that_throw_are_thrown_together()
    {
        var parts = new StartedParts(NullLogger.Instance);
        await StartAsync(parts, "agent", failStop: true);
        await StartAsync(parts, "kubelet", failStop: true);

        var thrown = await Assert.ThrowsAsync<AggregateException>(() => parts.DisposeAsync().AsTask());

        Assert.Equal(["kubelet would not stop", "agent would not stop"], thrown.InnerExceptions.Select(e => e.Message));
    }

    [Fact]
    public async Task A_stop_that_throws_after_a_failed_start_does_not_hide_why_the_start_failed()
    {
        var parts = new StartedParts(NullLogger.Instance);
        await StartAsync(parts, "agent", failStop: true);

        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => parts.StartAsync<Part>("kubelet", () => throw new ArgumentException("invalid --kubelet-port")));

        Assert.Equal("invalid --kubelet-port", thrown.Message);
        Assert.Equal(["start agent", "stop agent"], _events);
    }

    [Fact]
    public async Task Stopping_twice_stops_each_part_once_and_nothing_starts_after()
    {
        var parts = new StartedParts(NullLogger.Instance);
        await StartAsync(parts, "agent");

        await parts.DisposeAsync();
        await parts.DisposeAsync();

        Assert.Equal(["start agent", "stop agent"], _events);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => StartAsync(parts, "kubelet"));
        Assert.Equal(["start agent", "stop agent"], _events);
    }

    private Task<Part> StartAsync(StartedParts parts, string name, bool failStop = false) => parts.StartAsync(name, () =>
    {
        _events.Add($"start {name}");
        return Task.FromResult(new Part(name, failStop, _events));
    });

    private sealed class Part(string name, bool failStop, List<string> events) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            events.Add($"stop {name}");
            return failStop ? ValueTask.FromException(new InvalidOperationException($"{name} would not stop")) : ValueTask.CompletedTask;
        }
    }
}
