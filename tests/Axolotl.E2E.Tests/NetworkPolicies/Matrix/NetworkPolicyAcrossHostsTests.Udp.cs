using Xunit.Abstractions;

namespace Axolotl.E2E.Tests.NetworkPolicies.Matrix;

/// <summary>
/// UDP through a Service to an isolated pod on the other host. The relay's flow leaves the client's node from a socket
/// of the node; the node's policy table gives it the client pod's address (the relay marks the flow, ADR 0023), so the
/// server's host judges the client pod by the server's ingress rules, as it would without a Service: the allowed pod
/// gets its answer, the other pod's datagrams are dropped by the relay's own question to the policy.
/// </summary>
public abstract partial class NetworkPolicyAcrossHostsTests
{
    private const string UdpNs = "udp-across";

    private const string UdpEcho = """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('', 5353))
        while True:
            data, peer = s.recvfrom(65535)
            s.sendto(b'echo:' + data, peer)
        """;

    // One datagram every 0.5 s for up to ATTEMPTS tries; prints the first answer or "none".
    private const string UdpAsk = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(0.5)
        for i in range(int(sys.argv[3])):
            s.sendto(b'hi', (sys.argv[1], int(sys.argv[2])))
            try:
                print(s.recvfrom(100)[0].decode())
                break
            except socket.timeout:
                pass
        else:
            print('none')
        """;

    protected async Task UdpThroughAServiceIsJudgedAsTheClientPodAcrossHostsAsync()
    {
        string Pod(string name, string role, int host, string script) => $$$"""
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: {{{name}}}, namespace: {{{UdpNs}}}, labels: {role: {{{role}}}}}
            spec:
              nodeName: {{{Hosts.HostLab.NodeName(host)}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: python:3.11-slim
                command: ["python3", "-c", {{{System.Text.Json.JsonSerializer.Serialize(script)}}}]
            """;
        await lab.ApplyAsync($$$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{{UdpNs}}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo, namespace: {{{UdpNs}}}}
            spec:
              selector: {role: server}
              ports:
              - {port: 53, protocol: UDP, targetPort: 5353}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: server-from-allowed, namespace: {{{UdpNs}}}}
            spec:
              podSelector: {matchLabels: {role: server}}
              ingress:
              - from:
                - podSelector:
                    matchLabels: {role: allowed}
                ports: [{port: 5353, protocol: UDP}]
            {{{Pod("server", "server", NetpolLab.ServerHost, UdpEcho)}}}
            {{{Pod("allowed", "allowed", NetpolLab.AgentHost, "import time; time.sleep(600)")}}}
            {{{Pod("denied", "denied", NetpolLab.AgentHost, "import time; time.sleep(600)")}}}
            """);
        try
        {
            await Harness.Eventually.UntilAsync(() => lab.Lab.KubectlAsync("get", "pods", "-n", UdpNs, "--no-headers"),
                r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" Running ", StringComparison.Ordinal)) == 3,
                "the server and both clients Running", TimeSpan.FromSeconds(120));
            var clusterIp = (await lab.Lab.KubectlOkAsync("get", "service", "echo", "-n", UdpNs, "-o", "jsonpath={.spec.clusterIP}")).Trim();

            // The policy and the endpoint reach the client's node in their own time: asked until answered.
            var answered = await Harness.Eventually.UntilAsync(() => lab.Lab.KubectlAsync("exec", "allowed", "-n", UdpNs, "--", "python3", "-c", UdpAsk, clusterIp, "53", "4"),
                r => r.Stdout.Contains("echo:hi", StringComparison.Ordinal), "the allowed pod's answer through the Service", TimeSpan.FromSeconds(60));
            output.WriteLine($"allowed: {answered.Stdout.Trim()}");

            var denied = await lab.Lab.KubectlOkAsync("exec", "denied", "-n", UdpNs, "--", "python3", "-c", UdpAsk, clusterIp, "53", "6");
            Assert.Equal("none", denied.Trim());
        }
        finally
        {
            await lab.Lab.KubectlAsync("delete", "namespace", UdpNs, "--wait=false");
        }
    }
}
