using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Security.Escape;

/// <summary>
/// Issue 31: what someone who may join a node, or edit CertificateSigningRequests, must not turn into.
/// A join token does not get a registered node's identity (the real agent says so and exits 1), a token
/// scoped to one node name gets no other, a joined node cannot register with another node's pod CIDR,
/// and `patch`/`update` on requests neither approves one nor rewrites who asked. Each test also checks
/// that the server's own node is as it was.
/// </summary>
public sealed class NodeIdentityEscapeTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string ClientSigner = "kubernetes.io/kube-apiserver-client-kubelet";

    [Fact]
    public async Task A_join_token_cannot_obtain_the_identity_of_the_servers_node_and_the_agent_says_why()
    {
        var host = fx.Server.NodeName;
        var token = File.ReadAllText(AxolotlAgent.ServerTokenFile(fx.Server)).Trim();
        var csrsBefore = await CsrNamesAsync();

        var direct = await fx.Kubectl.RunAsync(["--token", token, "create", "-f", "-"], stdin: NodeCsr(host));
        var agent = await AxolotlAgent.RunToExitAsync(fx.Server, AxolotlAgent.ServerTokenFile(fx.Server), ["--node-name", host]);

        Assert.NotEqual(0, direct.ExitCode);
        Assert.Contains("Error from server (Forbidden): error when creating \"STDIN\": certificatesigningrequests.certificates.k8s.io", direct.Output, StringComparison.Ordinal);
        Assert.Contains($"is forbidden: node \"{host}\" is already registered and holds its own certificate; a join token may not request the identity of an existing node " +
            $"(if its agent is gone for good, delete it first: kubectl delete node {host})", direct.Output, StringComparison.Ordinal);
        Assert.Equal(1, agent.ExitCode);
        Assert.Contains($"error: the server refused this node's certificate request: certificatesigningrequests.certificates.k8s.io", agent.Stdout, StringComparison.Ordinal);
        Assert.Contains($"node \"{host}\" is already registered and holds its own certificate", agent.Stdout, StringComparison.Ordinal);
        // Host untouched: no request was stored for it, and its node is still Ready under its own certificate.
        Assert.Equal(csrsBefore, await CsrNamesAsync());
        await AssertHostNodeReadyAsync();
    }

    [Fact]
    public async Task A_token_scoped_to_one_node_name_cannot_obtain_another()
    {
        var scopedTo = fx.UniqueName("esc-scoped-a");
        var other = fx.UniqueName("esc-scoped-b");
        var created = await ProcessRunner.RunAsync(BinaryOf(fx.Server), ["token", "create", "--data-dir", fx.Server.DataDir, "--ttl", "10m", "--node-name", scopedTo]);
        Assert.True(created.ExitCode == 0, created.ToString());
        // `token create` prints k3s's secure form, K10<CA hash>::<token>; the bearer token is what follows "::".
        var printed = created.Stdout.Trim();
        Assert.StartsWith("K10", printed, StringComparison.Ordinal);
        var token = printed[(printed.IndexOf("::", StringComparison.Ordinal) + 2)..];

        var refused = await fx.Kubectl.RunAsync(["--token", token, "create", "-f", "-"], stdin: NodeCsr(other));
        var allowed = await fx.Kubectl.RunAsync(["--token", token, "create", "-f", "-", "-o", "name"], stdin: NodeCsr(scopedTo));

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"is forbidden: join token \"{token[..6]}\" may only request the certificate of node \"{scopedTo}\", not of node \"{other}\"", refused.Output, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.StartsWith("certificatesigningrequest.certificates.k8s.io/node-csr-", allowed.Stdout.Trim(), StringComparison.Ordinal);
        var help = await ProcessRunner.RunAsync(BinaryOf(fx.Server), ["help", "token"]);
        Assert.Contains("--node-name NAME  the token may only join node NAME", help.Stdout, StringComparison.Ordinal);
        await AssertHostNodeReadyAsync();
    }

    [Fact]
    public async Task A_joined_node_cannot_register_with_another_nodes_pod_cidr()
    {
        var (holder, taken) = await TakenCidrAsync();
        var node = fx.UniqueName("esc-cidr");
        var kubeconfig = await NodeKubeconfigAsync(node);
        var nodeJson = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = node },
            ["spec"] = new JsonObject { ["podCIDR"] = taken, ["podCIDRs"] = new JsonArray(taken) },
        }.ToJsonString();

        var claim = await fx.Kubectl.RunAsync(["--kubeconfig", kubeconfig.Path, "--client-key", kubeconfig.Key, "create", "-f", "-"], stdin: nodeJson);

        try
        {
            Assert.NotEqual(0, claim.ExitCode);
            Assert.Contains($"The Node \"{node}\" is invalid: spec.podCIDRs[0]: Invalid value: \"{taken}\": overlaps pod CIDR {taken} of node \"{holder}\"", claim.Output, StringComparison.Ordinal);
            Assert.Equal(taken, await fx.Kubectl.OkAsync("get", "node", holder, "-o", "jsonpath={.spec.podCIDR}"));
            await AssertHostNodeReadyAsync();
        }
        finally
        {
            await fx.Kubectl.RunAsync("delete", "node", node, "--ignore-not-found", "--wait=false");
        }
    }

    [Fact]
    public async Task Patch_and_update_on_requests_neither_approve_one_nor_rewrite_who_asked()
    {
        var user = fx.UniqueName("csr-editor");
        await fx.Kubectl.OkWithInputAsync($$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"{{user}}"},
             "rules":[{"apiGroups":["certificates.k8s.io"],"resources":["certificatesigningrequests","certificatesigningrequests/approval","certificatesigningrequests/status"],
                       "verbs":["get","list","watch","patch","update"]}]}
            """, "apply", "-f", "-");
        await fx.Kubectl.OkAsync("create", "clusterrolebinding", user, "--clusterrole", user, "--user", user);
        // A node client request for a new name, made by the admin: left Pending (only join tokens and the node itself are auto-approved).
        var csr = (await fx.Kubectl.OkWithInputAsync(NodeCsr(fx.UniqueName("esc-wanted")), "create", "-f", "-", "-o", "name")).Trim().Split('/')[1];
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("--as", user, "auth", "can-i", "patch", "certificatesigningrequests"), r => r.Stdout.Trim() == "yes",
            "the role to take effect");

        var approve = await fx.Kubectl.RunAsync("--as", user, "certificate", "approve", csr);
        var rewrite = await fx.Kubectl.RunAsync("--as", user, "patch", "csr", csr, "--type", "merge", "-p",
            """{"spec":{"username":"system:bootstrap:abcdef","groups":["system:bootstrappers","system:authenticated"]}}""");

        Assert.NotEqual(0, approve.ExitCode);
        Assert.Contains($"Error from server (Forbidden): certificatesigningrequests.certificates.k8s.io \"{csr}\" is forbidden: user not permitted to approve requests with signerName \"{ClientSigner}\"",
            approve.Output, StringComparison.Ordinal);
        // Upstream drops spec changes on update (the spec is immutable after create); kubectl reports that nothing changed.
        Assert.True(rewrite.ExitCode == 0, rewrite.ToString());
        Assert.Contains($"certificatesigningrequest.certificates.k8s.io/{csr} patched (no change)", rewrite.Stdout, StringComparison.Ordinal);
        Assert.Equal("axolotl-admin", await fx.Kubectl.OkAsync("get", "csr", csr, "-o", "jsonpath={.spec.username}"));
        Assert.DoesNotContain("system:bootstrappers", await fx.Kubectl.OkAsync("get", "csr", csr, "-o", "jsonpath={.spec.groups}"), StringComparison.Ordinal);
        Assert.Matches($@"{csr}\s+.*\s+Pending\s*$", (await fx.Kubectl.OkAsync("get", "csr", csr, "--no-headers")).Trim());
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "csr", csr, "-o", "jsonpath={.status.certificate}"));
        await AssertHostNodeReadyAsync();
    }

    private static string NodeCsr(string node)
    {
        var (key, pem) = NodeCertificates.Request($"system:node:{node}", "system:nodes");
        key.Dispose();
        var body = JsonNode.Parse(NodeCertificates.Body(pem, ClientSigner, "digital signature", "client auth"))!;
        body["metadata"] = new JsonObject { ["generateName"] = "node-csr-" };
        return body.ToJsonString();
    }

    /// <summary>A pod CIDR another node holds: the server's node's when node IPAM gave it one, else a Node the admin registers with one.</summary>
    private async Task<(string Node, string Cidr)> TakenCidrAsync()
    {
        var host = fx.Server.NodeName;
        var cidr = await fx.Kubectl.OkAsync("get", "node", host, "-o", "jsonpath={.spec.podCIDR}");
        if (cidr.Length > 0)
        {
            return (host, cidr);
        }
        var holder = fx.UniqueName("esc-cidr-holder");
        await fx.Kubectl.OkWithInputAsync($$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{holder}}}"},"spec":{"podCIDR":"10.244.251.0/24","podCIDRs":["10.244.251.0/24"]}}""",
            "create", "-f", "-");
        return (holder, "10.244.251.0/24");
    }

    /// <summary>A kubeconfig that authenticates as node NAME with its client certificate (obtained with the join token, as an agent does).</summary>
    private async Task<(string Path, string Key)> NodeKubeconfigAsync(string node)
    {
        var (_, certFile, keyFile) = await NodeCertificates.ObtainAsync(fx.Server, node);
        var path = KubeconfigFile.CopyWithCredentials(fx.Server.Kubeconfig, Path.Combine(fx.WorkDir, $"{node}.kubeconfig"), $"client-certificate: {certFile}");
        return (path, keyFile);
    }

    private async Task AssertHostNodeReadyAsync() =>
        Assert.Equal("True", await fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"));

    private async Task<string> CsrNamesAsync() => await fx.Kubectl.OkAsync("get", "csr", "-o", "name");

    private static string BinaryOf(AxolotlServer server) =>
        new FileInfo($"/proc/{server.Pid}/exe").LinkTarget ?? throw new InvalidOperationException("no server executable");
}
