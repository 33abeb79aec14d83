using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.NetworkPolicies;

/// <summary>A pod of the policy benchmark: its address and the host PID of its app (whose network namespace the bench enters).</summary>
internal sealed record PolicyPod(string Name, IPAddress Ip, int Pid);

/// <summary>
/// The policy benchmark's objects in their own namespace: a web pod (http-hello on :8080), a client and an
/// intruder (both http-hello too, only their network namespaces are used), and the policies: one that
/// allows the client into the web pod, one that allows the intruder, and decoys that select the web pod
/// with rules that match neither (ipBlocks of single addresses elsewhere and other ports), so every decoy
/// adds real elements to the web pod's chain.
/// </summary>
internal static class PolicyWorkload
{
    public const string Namespace = "netpol-bench";
    public const int Port = 8080;
    private const string PoliciesPath = $"/apis/networking.k8s.io/v1/namespaces/{Namespace}/networkpolicies";

    public static readonly string[] Pods = ["web", "client", "intruder"];

    public static async Task CreateAsync(ApiClient api, CancellationToken ct)
    {
        await api.CreateAsync("/api/v1/namespaces", Json(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = Namespace, ["labels"] = new JsonObject { ["bench"] = "netpol" } },
        }), ct);
        foreach (var pod in Pods)
        {
            await api.CreateAsync($"/api/v1/namespaces/{Namespace}/pods", Pod(pod), ct);
        }
    }

    private static byte[] Pod(string name) => Json(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["labels"] = new JsonObject { ["role"] = name } },
        ["spec"] = new JsonObject
        {
            ["terminationGracePeriodSeconds"] = 1,
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "app",
                ["image"] = "axolotl/http-hello",
                ["args"] = new JsonArray("--port", Port.ToString(CultureInfo.InvariantCulture)),
                ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = Port }),
                ["readinessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = Port }, ["periodSeconds"] = 1 },
            }),
        },
    });

    /// <summary>Waits until the three pods are Ready, then finds each one's app process.</summary>
    public static async Task<IReadOnlyDictionary<string, PolicyPod>> ReadyAsync(ApiClient api, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        while (true)
        {
            using var doc = JsonDocument.Parse(await api.GetAsync($"/api/v1/namespaces/{Namespace}/pods", deadline.Token));
            var found = new Dictionary<string, PolicyPod>(StringComparer.Ordinal);
            foreach (var pod in doc.RootElement.GetProperty("items").EnumerateArray())
            {
                var name = pod.GetProperty("metadata").GetProperty("name").GetString()!;
                var uid = pod.GetProperty("metadata").GetProperty("uid").GetString()!;
                var status = pod.GetProperty("status");
                var ready = status.TryGetProperty("conditions", out var conditions)
                    && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
                if (ready && status.TryGetProperty("podIP", out var ip) && IPAddress.TryParse(ip.GetString(), out var address) && AppPid(uid) is { } pid)
                {
                    found[name] = new PolicyPod(name, address, pid);
                }
            }
            if (found.Count == Pods.Length)
            {
                return found;
            }
            await Task.Delay(200, deadline.Token);
        }
    }

    /// <summary>The host PID of a process in the pod's app container (its cgroup path ends in /UID/app).</summary>
    private static int? AppPid(string uid)
    {
        var suffix = $"/{uid}/app";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadLines(Path.Combine(dir, "cgroup")).Any(l => l.EndsWith(suffix, StringComparison.Ordinal)))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited while being read.
            }
        }
        return null;
    }

    /// <summary>Allows pods labelled role=<paramref name="role"/> into the web pod on its port.</summary>
    public static Task AllowAsync(ApiClient api, string role, CancellationToken ct) =>
        api.CreateAsync(PoliciesPath, Json(Policy("allow-" + role, new JsonObject
        {
            ["from"] = new JsonArray(new JsonObject { ["podSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["role"] = role } } }),
            ["ports"] = new JsonArray(new JsonObject { ["protocol"] = "TCP", ["port"] = Port }),
        })), ct);

    public static Task DisallowAsync(ApiClient api, string role, CancellationToken ct) =>
        Workloads.WorkloadApi.DeleteAsync(api, $"{PoliciesPath}/allow-{role}", ct);

    /// <summary>
    /// Decoy <paramref name="index"/>: the web pod, from one address of 172.16.0.0/12 (none of the node's),
    /// or from the bench namespace's pods on a port the web pod does not use, alternately.
    /// </summary>
    public static Task DecoyAsync(ApiClient api, int index, CancellationToken ct)
    {
        var peer = index % 2 == 0
            ? new JsonObject { ["ipBlock"] = new JsonObject { ["cidr"] = string.Create(CultureInfo.InvariantCulture, $"172.{16 + index / 65536 % 16}.{index / 256 % 256}.{index % 256}/32") } }
            : new JsonObject { ["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["bench"] = "netpol" } }, ["podSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["role"] = "client" } } };
        var port = 9000 + index % 1000;
        return api.CreateAsync(PoliciesPath, Json(Policy(string.Create(CultureInfo.InvariantCulture, $"decoy-{index:D4}"), new JsonObject
        {
            ["from"] = new JsonArray(peer),
            ["ports"] = new JsonArray(new JsonObject { ["protocol"] = "TCP", ["port"] = port, ["endPort"] = port + index % 3 }),
        })), ct);
    }

    private static JsonObject Policy(string name, JsonObject rule) => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "NetworkPolicy",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["podSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["role"] = "web" } },
            ["policyTypes"] = new JsonArray("Ingress"),
            ["ingress"] = new JsonArray(rule),
        },
    };

    private static byte[] Json(JsonObject value) => JsonSerializer.SerializeToUtf8Bytes(value);
}
