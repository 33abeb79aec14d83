using Axolotl.Commands;
using Microsoft.Extensions.Logging;

namespace Axolotl.Cli.Tests;

/// <summary>--v as klog has it, mapped onto Microsoft.Extensions.Logging levels, on both long-running commands.</summary>
public sealed class VerbosityTests
{
    [Theory]
    [InlineData(null, LogLevel.Information, LogLevel.Warning)]
    [InlineData("0", LogLevel.Information, LogLevel.Warning)]
    [InlineData("1", LogLevel.Information, LogLevel.Warning)]
    [InlineData("2", LogLevel.Information, LogLevel.Information)]
    [InlineData("3", LogLevel.Information, LogLevel.Information)]
    [InlineData("4", LogLevel.Debug, LogLevel.Debug)]
    [InlineData("5", LogLevel.Debug, LogLevel.Debug)]
    [InlineData("6", LogLevel.Trace, LogLevel.Trace)]
    [InlineData("10", LogLevel.Trace, LogLevel.Trace)]
    public void Each_verbosity_maps_to_a_minimum_level(string? flag, LogLevel own, LogLevel framework)
    {
        var v = Verbosity.Parse(flag);

        Assert.Equal(own, v.MinimumLevel);
        Assert.Equal(framework, v.FrameworkLevel);
    }

    [Fact]
    public void Per_request_framework_logs_appear_only_from_6()
    {
        Assert.Equal(LogLevel.Warning, Verbosity.Parse("5").PerRequestLevel);
        Assert.Equal(LogLevel.Trace, Verbosity.Parse("6").PerRequestLevel);
    }

    [Fact]
    public void Why_Kestrel_closed_a_connection_is_logged_at_every_verbosity()
    {
        Assert.Equal(LogLevel.Information, Verbosity.Parse("0").ConnectionClosedLevel);
        Assert.Equal(LogLevel.Debug, Verbosity.Parse("4").ConnectionClosedLevel);
        Assert.Equal(LogLevel.Trace, Verbosity.Parse("6").ConnectionClosedLevel);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("debug")]
    [InlineData("")]
    public void A_verbosity_that_is_not_a_non_negative_number_is_refused(string flag) =>
        Assert.Throws<ArgumentException>(() => Verbosity.Parse(flag));

    [Theory]
    [InlineData("--v=4")]
    [InlineData("--v", "4")]
    [InlineData("-v=4")]
    [InlineData("-v", "4")]
    public void Server_and_agent_accept_every_klog_spelling_of_v(params string[] args)
    {
        Assert.Equal("4", CommandLine.Parse(args, ServerCommand.Flags).Get("v"));
        Assert.Equal("4", CommandLine.Parse(args, AgentCommand.Flags).Get("v"));
    }
}
