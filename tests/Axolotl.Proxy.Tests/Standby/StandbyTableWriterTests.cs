using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using Microsoft.Extensions.Logging;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;

namespace Axolotl.Proxy.Tests.Standby;

public sealed class StandbyTableWriterTests
{
    private static RoutingSnapshot One(params RouteEndpoint[] endpoints) =>
        Build(("10.96.0.20:80", Transport.Tcp, FrontendKind.ClusterIP, Route("shop", "web", "", externalLocal: false, endpoints)));

    [Fact]
    public async Task The_table_is_written_only_when_its_text_changes()
    {
        var applied = new List<string>();
        var writer = new StandbyTableWriter("t", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, (script, _) =>
        {
            applied.Add(script);
            return Task.FromResult((0, ""));
        });

        Assert.True(await writer.WriteAsync(One(Ready("10.244.0.2", 80)), CancellationToken.None));
        Assert.True(await writer.WriteAsync(One(Ready("10.244.0.2", 80)), CancellationToken.None));
        Assert.True(await writer.WriteAsync(One(Ready("10.244.0.2", 80), Ready("10.244.0.3", 80)), CancellationToken.None));

        Assert.Equal(2, applied.Count);
        // The second snapshot only added an endpoint: its pick chain and nothing else.
        Assert.Equal("flush chain ip t pick_0\n" +
            "add rule ip t pick_0 meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.244.0.2 . 80, 1 : 10.244.0.3 . 80 }\n", applied[1]);
        Assert.Equal(StandbyTable.Script("t", One(Ready("10.244.0.2", 80), Ready("10.244.0.3", 80))), writer.Installed);
    }

    [Fact]
    public async Task A_refused_table_is_warned_about_once_and_tried_again_on_the_next_snapshot()
    {
        var logger = new CountingLogger();
        var refuse = true;
        var writer = new StandbyTableWriter("t", logger, (_, _) => Task.FromResult(refuse ? (1, "Error: Could not process rule: No such file or directory") : (0, "")));

        Assert.False(await writer.WriteAsync(One(Ready("10.244.0.2", 80)), CancellationToken.None));
        Assert.False(await writer.WriteAsync(One(Ready("10.244.0.2", 80)), CancellationToken.None));
        Assert.Null(writer.Installed);
        Assert.Equal(1, logger.Warnings);

        refuse = false;
        Assert.True(await writer.WriteAsync(One(Ready("10.244.0.2", 80)), CancellationToken.None));
        Assert.NotNull(writer.Installed);
        Assert.Equal(1, logger.Warnings);
    }

    [Fact]
    public async Task A_kernel_without_conntrack_timeout_policies_gets_the_table_without_the_relay_flow_policy_and_one_warning()
    {
        var logger = new CountingLogger();
        var applied = new List<string>();
        var writer = new StandbyTableWriter("t", logger, (script, _) =>
        {
            applied.Add(script);
            return Task.FromResult(script.Contains("ct timeout", StringComparison.Ordinal) ? (1, "Error: Could not process rule: No such file or directory") : (0, ""));
        });

        Assert.True(await writer.WriteAsync(One(Ready("10.244.0.2", 80)), CancellationToken.None));
        Assert.True(await writer.WriteAsync(One(Ready("10.244.0.2", 80), Ready("10.244.0.3", 80)), CancellationToken.None));

        Assert.Equal(StandbyTable.Render(StandbyTable.Layout("t", One(Ready("10.244.0.2", 80), Ready("10.244.0.3", 80)), relayFlowPolicy: false)), writer.Installed);
        Assert.DoesNotContain("relay_frontends", applied[^1], StringComparison.Ordinal);
        Assert.Equal(3, applied.Count);
        Assert.Equal(1, logger.Warnings);
    }

    [Fact]
    public async Task A_host_without_nft_gets_the_same_single_warning()
    {
        var logger = new CountingLogger();
        var writer = new StandbyTableWriter("t", logger, (_, _) => throw new System.ComponentModel.Win32Exception(2, "No such file or directory"));

        Assert.False(await writer.WriteAsync(One(Ready("10.244.0.2", 80)), CancellationToken.None));
        Assert.False(await writer.WriteAsync(One(Ready("10.244.0.3", 80)), CancellationToken.None));
        Assert.Equal(1, logger.Warnings);
    }

    private sealed class CountingLogger : ILogger
    {
        public int Warnings { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings++;
            }
        }
    }
}
