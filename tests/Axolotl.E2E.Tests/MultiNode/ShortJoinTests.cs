using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// `axolotl agent --server URL --token-file FILE` and nothing else (the line the server prints), on the server's
/// machine: the node is named after the host with a suffix, gets its own bridge, a free kubelet port, the pod CIDR
/// from the server's IPAM inside the server's (non-default) cluster CIDR learned from the kubernetes Service,
/// runs pods whose logs kubectl reads, keeps its name across a restart; a contradicting --service-cidr is refused.
/// </summary>
public sealed partial class ShortJoinTests
{
    [Fact]
    public async Task An_agent_given_only_the_server_and_the_token_joins_without_colliding_and_keeps_its_name()
    {
        await using var server = await AxolotlServer.StartAsync(extraArgs: ["--local-agent", "false", "--cluster-cidr", "10.252.0.0/16"]);
        var kubectl = new Kubectl(server);
        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-shortjoin-").FullName;
        var binary = AxolotlAgent.ServerBinary(server);
        string[] join = ["agent", "--server", $"https://127.0.0.1:{server.Port}", "--token-file", AxolotlAgent.ServerTokenFile(server), "--data-dir", dataDir,
            // Offline flags only: no registry, no upstream resolver (tests never leave the machine).
            "--airgap", "--resolv-conf", "", "--ingress-http-port", "0", "--ingress-https-port", "0"];
        string? nodeName = null;
        BackgroundProcess? agent = null;
        try
        {
            agent = BackgroundProcess.Start(binary, join, new Dictionary<string, string>());
            var output = await agent.WaitForStdoutAsync(o => JoinedLine().IsMatch(o), "the joined line", TimeSpan.FromSeconds(120));
            nodeName = JoinedLine().Match(output).Groups["name"].Value;
            var host = Regex.Replace(System.Net.Dns.GetHostName().ToLowerInvariant(), "[^a-z0-9.-]", "-").Trim('-', '.');
            Assert.Matches($"^{Regex.Escape(host)}-[0-9a-f]{{6}}$", nodeName);
            var bridge = "axl" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeName)))[..8];
            Assert.True(Directory.Exists($"/sys/class/net/{bridge}"), $"no bridge {bridge}");

            await Eventually.KubectlAsync(kubectl, r => r.Stdout.Trim() == "True", "the node to be Ready",
                "get", "node", nodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
            Assert.StartsWith("10.252.", await kubectl.OkAsync("get", "node", nodeName, "-o", "jsonpath={.spec.podCIDR}"));

            await kubectl.OkWithInputAsync($$$"""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"on-short-join"},
                 "spec":{"nodeName":"{{{nodeName}}}","containers":[{"name":"c","image":"busybox","command":["sh","-c","echo hello from the joined node; sleep 3600"]}]}}
                """, "create", "-f", "-");
            await Eventually.KubectlAsync(kubectl, r => r.Stdout.Contains("hello from the joined node", StringComparison.Ordinal), "the pod's log through the node",
                "logs", "on-short-join");
            // The container's log can be read before the agent's status write with the pod's IP has landed.
            await Eventually.KubectlAsync(kubectl, r => r.Stdout.StartsWith("10.252.", StringComparison.Ordinal), "the pod's IP from the joined node's range",
                "get", "pod", "on-short-join", "-o", "jsonpath={.status.podIP}");
            await kubectl.OkAsync("delete", "pod", "on-short-join", "--grace-period=1");

            // A restarted agent is the same node.
            await agent.DisposeAsync();
            agent = BackgroundProcess.Start(binary, join, new Dictionary<string, string>());
            var again = await agent.WaitForStdoutAsync(o => JoinedLine().IsMatch(o), "the joined line after the restart", TimeSpan.FromSeconds(120));
            Assert.Equal(nodeName, JoinedLine().Match(again).Groups["name"].Value);

            var otherDir = Directory.CreateTempSubdirectory("axolotl-e2e-shortjoin-bad-").FullName;
            try
            {
                await using var contradicting = BackgroundProcess.Start(binary,
                    ["agent", "--server", $"https://127.0.0.1:{server.Port}", "--token-file", AxolotlAgent.ServerTokenFile(server), "--data-dir", otherDir,
                     "--service-cidr", "10.99.0.0/16"], new Dictionary<string, string>());
                var refused = await contradicting.WaitForExitAsync(TimeSpan.FromSeconds(120));
                Assert.NotEqual(0, refused.ExitCode);
                Assert.Contains("--service-cidr 10.99.0.0/16 contradicts the cluster's", refused.Stderr);
            }
            finally
            {
                await NodeCleanup.UnmountUnderAsync(otherDir);
                Directory.Delete(otherDir, recursive: true);
            }
        }
        finally
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
            if (nodeName is not null)
            {
                var bridge = "axl" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeName)))[..8];
                await NodeCleanup.RemoveAsync(nodeName, bridge, runtimeDir: Path.Combine(dataDir, "runtime"));
                await kubectl.RunAsync("delete", "node", nodeName, "--wait=false");
            }
            await NodeCleanup.UnmountUnderAsync(dataDir);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [GeneratedRegex(@"Node (?<name>\S+) joined")]
    private static partial Regex JoinedLine();
}
