using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// `axolotl agent --server URL --token TOKEN`, pasted as the server prints it, with nothing copied: the token carries
/// the CA's hash (k3s's K10 token), the agent reads the CA from the server's /cacerts and checks it. The agent runs
/// with XDG_DATA_HOME in a fresh directory, so no CA file exists anywhere it could look. A token whose hash is not
/// the server's CA, or that is garbled, is refused with the reason and a non-zero exit, and writes nothing.
/// </summary>
public sealed partial class SecureJoinTests
{
    [Fact]
    public async Task The_printed_line_joins_a_node_with_nothing_copied_and_a_wrong_hash_is_refused()
    {
        await using var server = await AxolotlServer.StartAsync(extraArgs: ["--local-agent", "false", "--cluster-cidr", "10.251.0.0/16"]);
        var kubectl = new Kubectl(server);
        var printed = PrintedJoin().Match(server.Log);
        Assert.True(printed.Success, $"no join line in the server's banner:\n{server.Log}");
        var url = printed.Groups["url"].Value;
        var token = printed.Groups["token"].Value;
        // The hash is the CA file's: what `sha256sum DIR/pki/ca.crt` prints.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(server.DataDir, "pki", "ca.crt")))), token[3..67]);
        Assert.Equal(File.ReadAllText(AxolotlAgent.ServerTokenFile(server)).Trim(), token[69..]);

        var binary = AxolotlAgent.ServerBinary(server);
        var home = Directory.CreateTempSubdirectory("axolotl-e2e-securejoin-").FullName;
        var env = new Dictionary<string, string> { ["XDG_DATA_HOME"] = home };
        var dataDir = Path.Combine(home, "axolotl", "agent");
        string? nodeName = null;
        try
        {
            // A hash one digit off: refused before the token is sent, nothing written.
            var wrongHash = token[..3] + (token[3] == '0' ? '1' : '0') + token[4..];
            var refused = await ProcessRunner.RunAsync(binary, ["agent", "--server", url, "--token", wrongHash], env, timeout: TimeSpan.FromMinutes(1));
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains($"error: the server at {url.TrimEnd('/')} presents a cluster CA with SHA-256 {token[3..67]}, but the token pins {wrongHash[3..67]}: refusing to trust it",
                refused.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(token[69..], refused.Output, StringComparison.Ordinal);
            // A garbled hash (SHA-1 length) never reaches the server.
            var garbled = await ProcessRunner.RunAsync(binary, ["agent", "--server", url, "--token", "K10" + token[3..43] + token[67..]], env, timeout: TimeSpan.FromMinutes(1));
            Assert.Equal(2, garbled.ExitCode);
            Assert.Contains("error: --token is not a join token: the CA hash has 40 hex digits (160 bits: not SHA-256); want 64", garbled.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(home, "axolotl")), "a refused join wrote to the data dir");
            Assert.Empty(await kubectl.OkAsync("get", "csr", "-o", "name"));

            await using var agent = BackgroundProcess.Start(binary, ["agent", "--server", url, "--token", token,
                // Offline flags only (tests never leave the machine); nothing is copied to the node.
                "--airgap", "--resolv-conf", "", "--ingress-http-port", "0", "--ingress-https-port", "0"], env);
            var output = await agent.WaitForStdoutAsync(o => JoinedLine().IsMatch(o), "the joined line", TimeSpan.FromSeconds(120));
            nodeName = JoinedLine().Match(output).Groups["name"].Value;
            await Eventually.KubectlAsync(kubectl, r => r.Stdout.Trim() == "True", "the node to be Ready",
                "get", "node", nodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
            Assert.False(File.Exists(Path.Combine(home, "axolotl", "pki", "ca.crt")));
        }
        finally
        {
            if (nodeName is not null)
            {
                await NodeCleanup.RemoveAsync(nodeName, "axl" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(nodeName)))[..8],
                    runtimeDir: Path.Combine(dataDir, "runtime"));
                await kubectl.RunAsync("delete", "node", nodeName, "--wait=false");
            }
            await NodeCleanup.UnmountUnderAsync(home);
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_minted_token_carries_the_hash_of_the_servers_ca_and_a_bare_token_without_a_ca_is_refused_with_the_way_out()
    {
        await using var server = await AxolotlServer.StartAsync(extraArgs: ["--local-agent", "false"]);
        var binary = AxolotlAgent.ServerBinary(server);
        var home = Directory.CreateTempSubdirectory("axolotl-e2e-securejoin-").FullName;
        try
        {
            var minted = await ProcessRunner.RunAsync(binary, ["token", "create", "--data-dir", server.DataDir, "--ttl", "1h"]);
            var bare = File.ReadAllText(AxolotlAgent.ServerTokenFile(server)).Trim();
            var noCa = await ProcessRunner.RunAsync(binary, ["agent", "--server", $"https://127.0.0.1:{server.Port}", "--token", bare],
                new Dictionary<string, string> { ["XDG_DATA_HOME"] = home }, timeout: TimeSpan.FromMinutes(1));

            Assert.Equal(0, minted.ExitCode);
            Assert.Matches("^K10[0-9a-f]{64}::[a-z0-9]{6}\\.[a-z0-9]{16}$", minted.Stdout.Trim());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(server.DataDir, "pki", "ca.crt")))), minted.Stdout.Trim()[3..67]);
            Assert.Equal(2, noCa.ExitCode);
            Assert.Contains("join with the token the server prints (K10<CA hash>::…", noCa.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(home, "axolotl")), "a refused join wrote to the data dir");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [GeneratedRegex(@"axolotl agent --server (?<url>https://\S+) --token (?<token>K10[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16})")]
    private static partial Regex PrintedJoin();

    [GeneratedRegex(@"Node (?<name>\S+) joined")]
    private static partial Regex JoinedLine();
}
