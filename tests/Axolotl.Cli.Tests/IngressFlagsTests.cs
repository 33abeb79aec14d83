using Axolotl.Commands;

namespace Axolotl.Cli.Tests;

public sealed class IngressFlagsTests
{
    [Fact]
    public void The_ingress_listens_on_80_and_443_unless_moved_and_0_turns_a_port_off()
    {
        Assert.Equal((80, 443), IngressFlags.Ports(CommandLine.Parse([], ServerCommand.Flags)));
        Assert.Equal((8080, 0), IngressFlags.Ports(CommandLine.Parse(["--ingress-http-port", "8080", "--ingress-https-port", "0"], ServerCommand.Flags)));
        // The harness turns both off and a test turns them on again: the later flag wins.
        Assert.Equal((18080, 18443), IngressFlags.Ports(CommandLine.Parse(
            ["--ingress-http-port", "0", "--ingress-https-port", "0", "--ingress-http-port", "18080", "--ingress-https-port", "18443"], ServerCommand.Flags)));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("65536")]
    [InlineData("http")]
    public void A_port_that_is_not_one_is_refused_with_the_flag_named(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => IngressFlags.Ports(CommandLine.Parse(["--ingress-http-port", value], ServerCommand.Flags)));

        Assert.Contains("--ingress-http-port", error.Message, StringComparison.Ordinal);
    }
}
