using System.Text.RegularExpressions;

namespace Axolotl.Architecture.Tests;

/// <summary>
/// A log event id names one message: operators filter and alert on it, so two messages sharing an id would
/// hide one behind the other.
/// </summary>
public sealed partial class LogEventIdTests
{
    [Fact]
    public void No_two_log_messages_share_an_event_id()
    {
        var shared = SourceTree.Files(SourceTree.Src, ".cs")
            .SelectMany(file => EventId().Matches(File.ReadAllText(file)).Select(m => (Id: int.Parse(m.Groups[1].Value), File: SourceTree.Relative(file))))
            .GroupBy(e => e.Id)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.File))}")
            .ToList();

        Assert.True(shared.Count == 0, "event ids used by more than one log message:\n" + string.Join('\n', shared));
    }

    [Fact]
    public void The_scan_finds_the_product_s_event_ids()
    {
        // Guards the test above against a pattern that silently stopped matching.
        var ids = SourceTree.Files(SourceTree.Src, ".cs").Sum(file => EventId().Count(File.ReadAllText(file)));
        Assert.True(ids > 100, $"only {ids} event ids found under src/");
    }

    [GeneratedRegex(@"\[LoggerMessage\(\s*EventId\s*=\s*(\d+)")]
    private static partial Regex EventId();
}
