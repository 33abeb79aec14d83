using Axolotl.E2E.Tests.Harness;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Networking;

/// <summary>
/// Pods and the world outside the cluster, against a remote network in namespaces on this machine:
/// a pod reaches a host outside every cluster range and is seen there with the node's address; the
/// cluster DNS forwards outside names to the node's resolver (answers, REFUSED and silence as
/// SERVFAIL, a huge TXT answer truncated over UDP and whole over TCP); dnsPolicy and dnsConfig shape
/// the pod's resolv.conf; one pod's connections are capped while another's still go out.
/// </summary>
public sealed class EgressTests(EgressFixture fx) : IClassFixture<EgressFixture>
{
    private const string Image = "python:3.11-slim";

    private async Task<string> ClientPodAsync(string ns, string name = "client")
    {
        await fx.Kubectl.OkAsync("run", name, "-n", ns, $"--image={Image}", "--restart=Never", "--command", "--", "sleep", "600");
        await UntilReadyAsync(fx, ns, name);
        return name;
    }

    private Task<string> PythonAsync(string ns, string pod, string script, params string[] args) =>
        fx.Kubectl.OkAsync(["exec", pod, "-n", ns, "--", "python3", "-c", script, .. args]);

    [Fact]
    public async Task A_pod_reaches_a_host_outside_the_cluster_seen_with_the_nodes_address()
    {
        var ns = await fx.NewNamespaceAsync("egress");
        var pod = await ClientPodAsync(ns);
        var podIp = await JsonPathAsync(fx, ns, $"pod/{pod}", "{.status.podIP}");

        var seen = (await PythonAsync(ns, pod, RemoteNetworkServers.Connect, fx.Remote.HostAddress, RemoteNetwork.Port.ToString())).Trim();

        Assert.Equal($"peer={fx.Remote.NodeAddress}", seen);
        Assert.NotEqual($"peer={podIp}", seen);
    }

    [Fact]
    public async Task A_pod_resolves_a_name_the_upstream_answers_and_the_upstreams_failures_come_back_as_servfail()
    {
        var ns = await fx.NewNamespaceAsync("egress-dns");
        var pod = await ClientPodAsync(ns);

        var full = await fx.Kubectl.OkAsync("exec", pod, "-n", ns, "--", "getent", "hosts", "egress.remote.test");
        // Short: the node's search domain follows the cluster's in the pod's resolv.conf.
        var shortName = await fx.Kubectl.OkAsync("exec", pod, "-n", ns, "--", "getent", "hosts", "egress");
        var refused = await PythonAsync(ns, pod, RemoteNetworkServers.Query, "refused.remote.test", "1", "udp");
        var silent = await PythonAsync(ns, pod, RemoteNetworkServers.Query, "silent.remote.test", "1", "udp");
        var silentTcp = await PythonAsync(ns, pod, RemoteNetworkServers.Query, "silent.remote.test", "1", "tcp");
        var missing = await PythonAsync(ns, pod, RemoteNetworkServers.Query, "nothing.remote.test", "1", "udp");

        Assert.StartsWith(fx.Remote.HostAddress + " ", full.Trim(), StringComparison.Ordinal);
        Assert.StartsWith(fx.Remote.HostAddress + " ", shortName.Trim(), StringComparison.Ordinal);
        Assert.Equal("rcode=2 tc=0 answers=0", refused.Trim());
        Assert.Equal("rcode=2 tc=0 answers=0", silent.Trim());
        Assert.Equal("rcode=2 tc=0 answers=0", silentTcp.Trim());
        Assert.Equal("rcode=3 tc=0 answers=0", missing.Trim());
    }

    [Fact]
    public async Task A_huge_txt_answer_is_truncated_over_udp_and_whole_over_tcp()
    {
        var ns = await fx.NewNamespaceAsync("egress-txt");
        var pod = await ClientPodAsync(ns);

        var udp = await PythonAsync(ns, pod, RemoteNetworkServers.Query, "big.remote.test", "16", "udp");
        var tcp = await PythonAsync(ns, pod, RemoteNetworkServers.Query, "big.remote.test", "16", "tcp");

        Assert.Equal("rcode=0 tc=1 answers=0", udp.Trim());
        Assert.Equal("rcode=0 tc=0 answers=40", tcp.Trim());
    }

    [Fact]
    public async Task DnsPolicy_and_dnsConfig_shape_the_pods_resolv_conf_as_the_kubelet_does()
    {
        var ns = await fx.NewNamespaceAsync("egress-policy");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: default-policy
              namespace: {{ns}}
            spec:
              dnsPolicy: Default
              containers:
              - name: c
                image: {{Image}}
                command: ["sleep", "600"]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: none-policy
              namespace: {{ns}}
            spec:
              dnsPolicy: None
              dnsConfig:
                nameservers: ["192.0.2.53"]
                searches: ["a.example", "b.example"]
                options:
                - name: ndots
                  value: "2"
                - name: edns0
              containers:
              - name: c
                image: {{Image}}
                command: ["sleep", "600"]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: cluster-first
              namespace: {{ns}}
            spec:
              dnsConfig:
                nameservers: ["192.0.2.53"]
                searches: ["extra.example"]
                options:
                - name: ndots
                  value: "1"
              containers:
              - name: c
                image: {{Image}}
                command: ["sleep", "600"]
            """);
        await UntilReadyAsync(fx, ns, "default-policy", "none-policy", "cluster-first");

        var defaultConf = await ExecAsync(ns, "default-policy", "cat", "/etc/resolv.conf");
        var noneConf = await ExecAsync(ns, "none-policy", "cat", "/etc/resolv.conf");
        var clusterConf = await ExecAsync(ns, "cluster-first", "cat", "/etc/resolv.conf");

        Assert.Equal($"search remote.test\nnameserver {fx.Remote.DnsAddress}\noptions timeout:3\n", defaultConf);
        Assert.Equal("search a.example b.example\nnameserver 192.0.2.53\noptions ndots:2 edns0\n", noneConf);
        Assert.StartsWith($"search {ns}.svc.cluster.local svc.cluster.local cluster.local remote.test extra.example\nnameserver ", clusterConf, StringComparison.Ordinal);
        Assert.EndsWith("\nnameserver 192.0.2.53\noptions ndots:1\n", clusterConf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dnsPolicy_None_without_nameservers_is_refused_by_the_api_server()
    {
        var ns = await fx.NewNamespaceAsync("egress-invalid");
        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad
              namespace: {{ns}}
            spec:
              dnsPolicy: None
              dnsConfig:
                searches: ["a.example"]
              containers:
              - name: c
                image: {{Image}}
            """);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_pods_connections_are_capped_while_another_pod_still_goes_out()
    {
        var ns = await fx.NewNamespaceAsync("egress-cap");
        await fx.Kubectl.OkAsync("run", "greedy", "-n", ns, $"--image={Image}", "--restart=Never", "--command", "--",
            "python3", "-c", RemoteNetworkServers.Hold, fx.Remote.HostAddress, RemoteNetwork.Port.ToString(), (EgressFixture.ConntrackMaxPerPod + 10).ToString());
        var pod = await ClientPodAsync(ns, "modest");

        var held = await Eventually.UntilAsync(async () => (await fx.Kubectl.RunAsync("logs", "greedy", "-n", ns)).Stdout.Trim(),
            log => log.StartsWith("ok=", StringComparison.Ordinal), "the greedy pod to have opened its connections", Slow);
        var other = (await PythonAsync(ns, pod, RemoteNetworkServers.Connect, fx.Remote.HostAddress, RemoteNetwork.Port.ToString())).Trim();

        Assert.Equal($"ok={EgressFixture.ConntrackMaxPerPod} failed=10", held);
        Assert.Equal($"peer={fx.Remote.NodeAddress}", other);
    }

    private async Task<string> ExecAsync(string ns, string pod, params string[] command) =>
        await fx.Kubectl.OkAsync(["exec", pod, "-n", ns, "--", .. command]);
}
