using System.Net.Http;
using Axolotl.Client.Informers;
using Axolotl.Testing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Client.Tests.Informers;

/// <summary>
/// An API server that restarts fails every informer at once and for as long as it is down: each says so
/// once, in one line, and keeps quiet (Debug) until it works again.
/// </summary>
public sealed class InformerFailuresTests
{
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public void An_unreachable_server_is_one_warning_line_without_a_stack_trace_then_debug_until_it_answers()
    {
        var failures = new InformerFailures(_logs.CreateLogger("Axolotl.Informer.Pod"), "pods");
        var refused = new HttpRequestException("Connection refused (127.0.0.1:6443)");

        for (var i = 0; i < 5; i++)
        {
            failures.Failed(refused, "watch", TimeSpan.FromSeconds(1));
        }
        failures.Succeeded();

        var loud = _logs.Entries.Where(e => e.Level >= LogLevel.Warning).ToList();
        var warning = Assert.Single(loud);
        Assert.Null(warning.Exception);
        Assert.Contains("Connection refused", warning.Message, StringComparison.Ordinal);
        Assert.Equal(6, _logs.Entries.Count); // 1 warning, 4 retries and the recovery at Debug
    }

    [Fact]
    public void A_watch_the_server_ends_at_once_warns_only_when_it_goes_on()
    {
        // A stopping server ends every watch at once; a server that keeps doing it is worth a warning.
        var failures = new InformerFailures(_logs.CreateLogger("Axolotl.Informer.Pod"), "pods");

        failures.Failed(new WatchEndedEarlyException(), "watch", TimeSpan.FromSeconds(1));
        failures.Failed(new WatchEndedEarlyException(), "watch", TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning);

        failures.Failed(new WatchEndedEarlyException(), "watch", TimeSpan.FromSeconds(1));
        failures.Failed(new WatchEndedEarlyException(), "watch", TimeSpan.FromSeconds(1));
        var warning = Assert.Single(_logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains("without any event", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_run_of_failures_after_a_recovery_warns_again()
    {
        var failures = new InformerFailures(_logs.CreateLogger("Axolotl.Informer.Pod"), "pods");
        var refused = new HttpRequestException("Connection refused");

        failures.Failed(refused, "list", TimeSpan.FromSeconds(1));
        failures.Succeeded();
        failures.Failed(refused, "list", TimeSpan.FromSeconds(1));

        Assert.Equal(2, _logs.Entries.Count(e => e.Level == LogLevel.Warning));
    }

    [Fact]
    public void An_unexpected_exception_keeps_its_stack_trace()
    {
        var failures = new InformerFailures(_logs.CreateLogger("Axolotl.Informer.Pod"), "pods");
        var bug = new InvalidOperationException("cannot decode");

        failures.Failed(bug, "list", TimeSpan.FromSeconds(1));

        Assert.Same(bug, Assert.Single(_logs.Entries).Exception);
    }
}
