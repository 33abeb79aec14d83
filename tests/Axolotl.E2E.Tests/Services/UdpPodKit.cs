using Axolotl.E2E.Tests.Harness;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>UDP echo pods, UDP Services and a client pod that asks them from fresh sockets, shared by the relay's and the kernel's UDP tests.</summary>
internal static class UdpPodKit
{
    /// <summary>Answers each datagram with "HOSTNAME:" and the datagram, on UDP 5353.</summary>
    public const string EchoServer = """
        import socket
        name = socket.gethostname().encode()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('', 5353))
        while True:
            data, peer = s.recvfrom(65535)
            s.sendto(name + b':' + data, peer)
        """;

    /// <summary>Sends one datagram from each of COUNT fresh sockets (fresh source ports) to HOST PORT; prints each answer and its source.</summary>
    public const string Client = """
        import socket, sys
        host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        for i in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(2)
            for attempt in range(5):
                s.sendto(b'ping%d' % i, (host, port))
                try:
                    data, peer = s.recvfrom(65535)
                    print(data.decode(), '%s:%d' % peer)
                    break
                except socket.timeout:
                    pass
            s.close()
        """;

    public static string EchoPods(string ns, string app, params string[] names) => string.Join("---\n", names.Select(name => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels:
            app: {{app}}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: echo
            image: python:3.11-slim
            command: ["python3", "-c", {{System.Text.Json.JsonSerializer.Serialize(EchoServer)}}]
            ports:
            - name: echo
              containerPort: 5353
              protocol: UDP
        """ + "\n"));

    public static string UdpService(string ns, string name, string app, int port, string type = "ClusterIP", bool affinity = false) => $"""
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          type: {type}
          selector:
            app: {app}
        {(affinity ? "  sessionAffinity: ClientIP\n" : "")}  ports:
          - name: echo
            port: {port}
            protocol: UDP
            targetPort: echo

        """;

    /// <summary>A python pod named client (label run=client) that only waits, to send from.</summary>
    public static async Task StartClientPodAsync(ServerFixture fx, string ns)
    {
        await fx.Kubectl.OkAsync("run", "client", "-n", ns, "--image=python:3.11-slim", "--restart=Never", "--command", "--", "sleep", "600");
        await UntilReadyAsync(fx, ns, "client");
    }

    /// <summary>
    /// One datagram from each of <paramref name="flows"/> fresh sockets of the client pod (a new flow each) to
    /// <paramref name="host"/>:<paramref name="port"/>: each answer's pod, payload and source.
    /// </summary>
    public static async Task<List<(string Pod, string Payload, string From)>> AskFromPodAsync(ServerFixture fx, string ns, string host, int port, int flows)
    {
        var result = await fx.Kubectl.RunAsync("exec", "client", "-n", ns, "--", "python3", "-c", Client, host, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            flows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 2 && parts[0].Contains(':', StringComparison.Ordinal))
            .Select(parts => (parts[0].Split(':')[0], parts[0].Split(':')[1], parts[1]))];
    }
}
