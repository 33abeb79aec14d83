using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// The UDP bench's workload: a Deployment of python:3.11-slim pods (a seed image) running a UDP echo server on
/// <see cref="ContainerPort"/> that answers each datagram with "HOSTNAME " and the datagram, behind a NodePort Service
/// with one UDP port; and a sleeping pod whose network namespace the bench sends from, as a pod does. No readiness probe: a pod is Ready once its container runs, and the warm-up waits for every pod's answer.
/// </summary>
internal static class UdpEchoWorkload
{
    public const string App = "udp-echo";
    public const string Namespace = "default";
    public const int ContainerPort = 5353;
    public const string Image = "python:3.11-slim";

    private const string EchoServer = """
        import socket
        name = socket.gethostname().encode() + b' '
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('', 5353))
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(name + data, peer)
        """;

    /// <summary>The Deployment of the pod the bench sends from (its network namespace; the pod itself only sleeps).</summary>
    public const string ClientApp = "udp-client";

    private static byte[] Deployment(int replicas, string app = App, params string[] command) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = app, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = app } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = app } },
                ["spec"] = new JsonObject
                {
                    ["terminationGracePeriodSeconds"] = 1,
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "echo",
                        ["image"] = Image,
                        ["command"] = command.Length > 0 ? new JsonArray([.. command.Select(c => JsonValue.Create(c))]) : new JsonArray("python3", "-u", "-c", EchoServer),
                        ["ports"] = command.Length > 0 ? new JsonArray() : new JsonArray(new JsonObject { ["containerPort"] = ContainerPort, ["protocol"] = "UDP" }),
                    }),
                },
            },
        },
    });

    private static byte[] Service() => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = App, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["type"] = "NodePort",
            ["selector"] = new JsonObject { ["app"] = App },
            ["ports"] = new JsonArray(new JsonObject { ["port"] = ServicePort, ["protocol"] = "UDP", ["targetPort"] = ContainerPort }),
        },
    });

    /// <summary>Creates the echo Deployment, its Service and the client pod's Deployment; returns the Service's node port and cluster IP (port <see cref="ServicePort"/>).</summary>
    public static async Task<(int NodePort, IPAddress ClusterIp)> CreateAsync(ApiClient api, int replicas, CancellationToken ct)
    {
        await api.CreateAsync($"/apis/apps/v1/namespaces/{Namespace}/deployments", Deployment(replicas), ct);
        await api.CreateAsync($"/apis/apps/v1/namespaces/{Namespace}/deployments", Deployment(1, ClientApp, "sleep", "3600"), ct);
        using var service = JsonDocument.Parse(await api.CreateAsync($"/api/v1/namespaces/{Namespace}/services", Service(), ct));
        var spec = service.RootElement.GetProperty("spec");
        return (spec.GetProperty("ports")[0].GetProperty("nodePort").GetInt32(), IPAddress.Parse(spec.GetProperty("clusterIP").GetString()!));
    }

    public const int ServicePort = 53;

    /// <summary>The client pod's uid (its network namespace's name comes from it) and address.</summary>
    public static async Task<(string Uid, string Ip)> ClientPodAsync(ApiClient api, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await api.GetAsync($"/api/v1/namespaces/{Namespace}/pods?labelSelector=app%3D{ClientApp}", ct));
        var pod = doc.RootElement.GetProperty("items").EnumerateArray().Single();
        return (pod.GetProperty("metadata").GetProperty("uid").GetString()!, pod.GetProperty("status").GetProperty("podIP").GetString()!);
    }

    /// <summary>The Ready pods' echo endpoints.</summary>
    public static async Task<IPEndPoint[]> PodEndpointsAsync(ApiClient api, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await api.GetAsync($"/api/v1/namespaces/{Namespace}/pods?labelSelector=app%3D{App}", ct));
        var result = new List<IPEndPoint>();
        foreach (var pod in doc.RootElement.GetProperty("items").EnumerateArray())
        {
            if (pod.TryGetProperty("status", out var status) && status.TryGetProperty("podIP", out var ip) && IPAddress.TryParse(ip.GetString(), out var address)
                && status.TryGetProperty("conditions", out var conditions)
                && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True"))
            {
                result.Add(new IPEndPoint(address, ContainerPort));
            }
        }
        return [.. result.OrderBy(e => e.ToString(), StringComparer.Ordinal)];
    }
}
