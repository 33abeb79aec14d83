using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// The UDP bench's workload: a Deployment of python:3.11-slim pods (a seed image) running a UDP echo server on
/// <see cref="ContainerPort"/> that answers each datagram with "HOSTNAME " and the datagram, behind a NodePort Service
/// with one UDP port. No readiness probe: a pod is Ready once its container runs, and the warm-up waits for every pod's answer.
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

    private static byte[] Deployment(int replicas) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = App, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = App } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = App } },
                ["spec"] = new JsonObject
                {
                    ["terminationGracePeriodSeconds"] = 1,
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "echo",
                        ["image"] = Image,
                        ["command"] = new JsonArray("python3", "-u", "-c", EchoServer),
                        ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = ContainerPort, ["protocol"] = "UDP" }),
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
            ["ports"] = new JsonArray(new JsonObject { ["port"] = 53, ["protocol"] = "UDP", ["targetPort"] = ContainerPort }),
        },
    });

    /// <summary>Creates the Deployment and its Service; returns the Service's node port.</summary>
    public static async Task<int> CreateAsync(ApiClient api, int replicas, CancellationToken ct)
    {
        await api.CreateAsync($"/apis/apps/v1/namespaces/{Namespace}/deployments", Deployment(replicas), ct);
        using var service = JsonDocument.Parse(await api.CreateAsync($"/api/v1/namespaces/{Namespace}/services", Service(), ct));
        return service.RootElement.GetProperty("spec").GetProperty("ports")[0].GetProperty("nodePort").GetInt32();
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
