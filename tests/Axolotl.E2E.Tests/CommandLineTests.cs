using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>
/// The binary's help as a user reaches it: every command `axolotl help` lists answers `axolotl help NAME` and
/// `axolotl NAME --help` with its usage; an unknown command or flag is refused with the way to the help and exit 2,
/// before anything starts. (That each declared flag is in its command's help is Axolotl.Cli.Tests' CommandHelpTests.)
/// </summary>
public sealed partial class CommandLineTests
{
    [Fact]
    public async Task Every_listed_command_has_help_by_name_and_by_flag()
    {
        var binary = await AxolotlServer.EnsureBuiltAsync();
        var overview = await ProcessRunner.RunAsync(binary, ["help"]);
        var names = CommandLine().Matches(overview.Stdout).Select(m => m.Groups["name"].Value).Distinct().ToList();

        Assert.Equal(0, overview.ExitCode);
        Assert.Superset(new HashSet<string> { "server", "agent", "token", "kubeconfig", "images", "snapshot", "api-balancer", "reset", "version", "help" }, names.ToHashSet());
        foreach (var name in names)
        {
            var byName = await ProcessRunner.RunAsync(binary, ["help", name]);
            var byFlag = await ProcessRunner.RunAsync(binary, [name, "--help"]);
            Assert.True(byName.ExitCode == 0 && byName.Stdout.StartsWith($"Usage: axolotl {name}", StringComparison.Ordinal), $"axolotl help {name}: {byName}");
            Assert.True(byFlag.ExitCode == 0 && byFlag.Stdout == byName.Stdout, $"axolotl {name} --help: {byFlag}");
        }
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "error: unknown command \"frobnicate\" (commands: server, agent, token, kubeconfig, images, snapshot, api-balancer, reset, service, version, help; `axolotl help COMMAND` for one)")]
    [InlineData(new[] { "help", "frobnicate" }, "error: unknown command \"frobnicate\" (commands: server, agent,")]
    [InlineData(new[] { "server", "--no-such-flag", "1" }, "error: unknown flag: --no-such-flag (`axolotl help server` lists the flags)")]
    [InlineData(new[] { "agent", "--server", "https://127.0.0.1:1", "--tokn", "x" }, "error: unknown flag: --tokn (`axolotl help agent` lists the flags)")]
    [InlineData(new[] { "token", "create", "--tl", "1h" }, "error: unknown flag: --tl (`axolotl help token` lists the flags)")]
    [InlineData(new[] { "version", "--short" }, "error: unknown flag: --short (`axolotl version` takes none)")]
    [InlineData(new[] { "token", "list" }, "error: usage: axolotl token create")]
    public async Task An_unknown_command_or_flag_is_refused_with_the_way_to_the_help(string[] args, string message)
    {
        var result = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(), args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(message, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task A_server_whose_port_is_taken_exits_2_with_the_way_out_and_no_warnings()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var dataDir = Directory.CreateTempSubdirectory("axolotl-port-taken-").FullName;
        try
        {
            var result = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(),
                ["server", "--data-dir", dataDir, "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "--airgap", "--local-agent", "false"], timeout: TimeSpan.FromSeconds(120));

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains($"error: cannot listen: Failed to bind to address https://127.0.0.1:{port}: address already in use. (is another axolotl server running? choose another --port)", result.Stderr);
            // The components that followed the store stop before it closes, instead of each warning that its watch ended.
            Assert.DoesNotContain("watch ended", result.Output);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [GeneratedRegex(@"(?m)^  axolotl (?<name>[a-z-]+)")]
    private static partial Regex CommandLine();
}
