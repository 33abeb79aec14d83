using Axolotl.Commands;

namespace Axolotl.Cli.Tests;

public sealed class CompactionIntervalFlagTests
{
    [Theory]
    [InlineData(null, 300)]
    [InlineData("1m30s", 90)]
    [InlineData("0", 0)]
    public void The_flag_sets_how_often_either_store_compacts(string? value, int seconds)
    {
        string[] args = value is null ? [] : ["--etcd-compaction-interval", value];
        Assert.Equal(TimeSpan.FromSeconds(seconds), DatastoreFlags.CompactionInterval(CommandLine.Parse(args, ServerCommand.Flags)));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5m")]
    public void A_bad_interval_is_refused_with_the_flag_name(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => DatastoreFlags.CompactionInterval(CommandLine.Parse(["--etcd-compaction-interval", value], ServerCommand.Flags)));
        Assert.Contains("--etcd-compaction-interval", error.Message, StringComparison.Ordinal);
    }
}
