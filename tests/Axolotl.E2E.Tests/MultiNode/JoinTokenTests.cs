using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>Join tokens: unknown and expired ones are refused; a minted one works; a node token cannot act as an admin.</summary>
public sealed class JoinTokenTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_agent_with_an_unknown_token_is_refused_and_exits()
    {
        var tokenFile = fx.WriteFile("bad-token", "abcdef.0123456789abcdef\n");

        var result = await AxolotlAgent.RunToExitAsync(fx.Server, tokenFile);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the server refused to let this node join (401", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_minted_token_is_accepted_until_it_expires()
    {
        var created = await ProcessRunner.RunAsync(BinaryOf(fx.Server), ["token", "create", "--data-dir", fx.Server.DataDir, "--ttl", "3s"]);
        Assert.Equal(0, created.ExitCode);
        // Printed as K10<CA hash>::<token>; the server authenticates the token after "::".
        Assert.Matches("^K10[0-9a-f]{64}::[a-z0-9]{6}\\.[a-z0-9]{16}$", created.Stdout.Trim());
        var token = created.Stdout.Trim()[69..];

        var before = await GetCsrsWithAsync(token);
        await Eventually.UntilAsync(() => GetCsrsWithAsync(token), r => r.ExitCode != 0, "the token to expire", TimeSpan.FromSeconds(15));
        var after = await GetCsrsWithAsync(token);

        Assert.Equal(0, before.ExitCode);
        Assert.Contains("Unauthorized", after.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_join_token_reads_certificate_requests_only_and_changes_nothing()
    {
        var token = File.ReadAllText(AxolotlAgent.ServerTokenFile(fx.Server)).Trim();

        var csrs = await KubectlAsNodeAsync(token, "get", "csr");
        var read = await KubectlAsNodeAsync(token, "get", "pods", "-A");
        var create = await KubectlAsNodeAsync(token, "run", "sneaky", "--image=busybox", "--", "sleep", "1");
        var label = await KubectlAsNodeAsync(token, "label", "node", fx.Server.NodeName, "hacked=true");

        Assert.Equal(0, csrs.ExitCode);
        Assert.Contains($"Error from server (Forbidden): pods is forbidden: User \"system:bootstrap:{token[..6]}\" cannot list resource \"pods\" in API group \"\" at the cluster scope",
            read.Output, StringComparison.Ordinal);
        Assert.Contains("Error from server (Forbidden)", create.Output, StringComparison.Ordinal);
        Assert.Contains("Error from server (Forbidden)", label.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_standing_token_expires_in_a_day_and_is_printed_only_when_made()
    {
        await using var server = await AxolotlServer.StartAsync();
        var token = File.ReadAllText(AxolotlAgent.ServerTokenFile(server)).Trim();
        var firstLog = server.Log;
        await server.StopAsync();
        await server.RestartAsync();
        // The readiness wait saw the first run's banner; wait for this run's.
        var secondLog = await Eventually.UntilAsync(() => Task.FromResult(server.Log[firstLog.Length..]), log => log.Contains("Join token:", StringComparison.Ordinal),
            "the restarted server's banner");

        Assert.Contains($"Join token: {token} (expires ", firstLog, StringComparison.Ordinal);
        Assert.DoesNotContain(token, secondLog, StringComparison.Ordinal);
        Assert.Contains($"Join token: in {AxolotlAgent.ServerTokenFile(server)} (expires ", secondLog, StringComparison.Ordinal);
        var record = File.ReadAllLines(Path.Combine(server.DataDir, "tokens", "join", token[..6]));
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(record[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(AxolotlAgent.ServerTokenFile(server)));
    }

    private Task<ProcessResult> GetCsrsWithAsync(string token) => KubectlAsNodeAsync(token, "get", "csr");

    /// <summary>kubectl with the join token: a bootstrapper, which may only ask for and read node certificate requests.</summary>
    private Task<ProcessResult> KubectlAsNodeAsync(string token, params string[] args) =>
        fx.Kubectl.RunAsync(["--token", token, .. args], stdin: null);

    private static string BinaryOf(AxolotlServer server) =>
        new FileInfo($"/proc/{server.Pid}/exe").LinkTarget ?? throw new InvalidOperationException("no server executable");
}
