using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>A pod of the load test's Deployment as the API shows it.</summary>
internal sealed record WebPod(string Name, string Uid, IPAddress? Ip, bool Ready, bool Terminating, int Restarts);

/// <summary>
/// The load test's workload: a Deployment of http-hello web servers (:8080) behind a NodePort Service.
/// Readiness is probed every 100 ms (Axolotl's sub-second timing annotation) and fails while a marker
/// file named after the pod exists in a folder shared with the host (/dev/shm); the first failing
/// answer stamps its time next to the marker. The probe is an HTTP GET of /healthz (the app answers
/// 503 and stamps), or an exec probe whose bash stamps `$EPOCHREALTIME` before it exits 1 (and
/// otherwise checks the port accepts connections). Two images run the same app, so a rollout is an
/// image change as `kubectl set image` makes it.
/// </summary>
internal static partial class TrafficWorkload
{
    public const string App = "web";
    public const string Namespace = "default";
    public const int ContainerPort = 8080;
    public static readonly string[] Images = ["axolotl/http-hello", "registry.k8s.io/goproxy:0.1"];
    private const string DeploymentPath = $"/apis/apps/v1/namespaces/{Namespace}/deployments";

    public static string UnreadyMarker(string markers, string pod) => Path.Combine(markers, pod + ".unready");

    public static string FailedStamp(string markers, string pod) => Path.Combine(markers, pod + ".failed");

    /// <summary>An HTTP GET of /healthz, which the app fails (and stamps) while the pod's marker exists.</summary>
    public static JsonObject HttpReadinessProbe() => new()
    {
        ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = ContainerPort },
        ["periodSeconds"] = 1,
        ["failureThreshold"] = 1,
        ["successThreshold"] = 1,
    };

    /// <summary>A bash exec probe that fails (and stamps) while the pod's marker exists, else checks the port.</summary>
    public static JsonObject ExecReadinessProbe(string markers) => new()
    {
        ["exec"] = new JsonObject
        {
            ["command"] = new JsonArray("bash", "-c",
                $"if [ -e {markers}/$HOSTNAME.unready ]; then [ -e {markers}/$HOSTNAME.failed ] || echo $EPOCHREALTIME > {markers}/$HOSTNAME.failed; exit 1; fi; exec 3<>/dev/tcp/127.0.0.1/{ContainerPort}"),
        },
        ["periodSeconds"] = 1,
        ["failureThreshold"] = 1,
        ["successThreshold"] = 1,
    };

    public static byte[] Deployment(int replicas, string markers)
    {
        var deployment = new JsonObject
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
                    ["metadata"] = new JsonObject
                    {
                        ["labels"] = new JsonObject { ["app"] = App },
                        ["annotations"] = new JsonObject { ["probes.axolotl.io/readiness"] = "period=100ms" },
                    },
                    ["spec"] = HostShm.AddTo(new JsonObject
                    {
                        ["terminationGracePeriodSeconds"] = 5,
                        ["containers"] = new JsonArray(new JsonObject
                        {
                            ["name"] = App,
                            ["image"] = Images[0],
                            ["args"] = new JsonArray("--port", ContainerPort.ToString(CultureInfo.InvariantCulture), "--unready-dir", markers),
                            ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = ContainerPort }),
                            ["readinessProbe"] = HttpReadinessProbe(),
                        }),
                    }),
                },
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(deployment);
    }

    public static byte[] Service() => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = App, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["type"] = "NodePort",
            ["selector"] = new JsonObject { ["app"] = App },
            ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = ContainerPort }),
        },
    });

    public static async Task<int> CreateAsync(ApiClient api, int replicas, string markers, CancellationToken ct)
    {
        await api.CreateAsync(DeploymentPath, Deployment(replicas, markers), ct);
        using var service = JsonDocument.Parse(await api.CreateAsync($"/api/v1/namespaces/{Namespace}/services", Service(), ct));
        return service.RootElement.GetProperty("spec").GetProperty("ports")[0].GetProperty("nodePort").GetInt32();
    }

    public static async Task<IReadOnlyList<WebPod>> PodsAsync(ApiClient api, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await api.GetAsync($"/api/v1/namespaces/{Namespace}/pods?labelSelector=app%3D{App}", ct));
        var pods = new List<WebPod>();
        foreach (var pod in doc.RootElement.GetProperty("items").EnumerateArray())
        {
            var meta = pod.GetProperty("metadata");
            var status = pod.TryGetProperty("status", out var s) ? s : default;
            var ip = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("podIP", out var p) && IPAddress.TryParse(p.GetString(), out var parsed) ? parsed : null;
            var ready = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("conditions", out var conditions)
                && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
            var restarts = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("containerStatuses", out var containers)
                ? containers.EnumerateArray().Sum(c => c.GetProperty("restartCount").GetInt32()) : 0;
            pods.Add(new WebPod(meta.GetProperty("name").GetString()!, meta.GetProperty("uid").GetString()!, ip, ready, meta.TryGetProperty("deletionTimestamp", out _), restarts));
        }
        return pods;
    }

    /// <summary>
    /// SIGKILLs the web server of <paramref name="podUid"/>: the process in the container's cgroup
    /// (…/POD-UID/web) whose parent is the container's init. Returns its host PID, or null when none was found.
    /// </summary>
    public static int? KillApp(string podUid) => KillApp(podUid, out _);

    /// <summary>
    /// As <see cref="KillApp(string)"/>; <paramref name="sockets"/> is the web server's TCP sockets on its port read
    /// from its network namespace just before the signal (<see cref="PortSockets"/>), to split the failures a kill
    /// makes into connections still in the accept queue and connections the app had accepted.
    /// </summary>
    public static int? KillApp(string podUid, out PortSockets? sockets)
    {
        sockets = null;
        var cgroup = $"/{podUid}/{App}";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                if (!File.ReadLines(Path.Combine(dir, "cgroup")).Any(l => l.EndsWith(cgroup, StringComparison.Ordinal)))
                {
                    continue;
                }
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var comm = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                var parent = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1];
                var parentStat = File.ReadAllText($"/proc/{parent}/stat");
                var parentComm = parentStat[(parentStat.IndexOf('(') + 1)..parentStat.LastIndexOf(')')];
                if (!ContainerProcesses.IsInit(comm) && ContainerProcesses.IsInit(parentComm))
                {
                    sockets = PortSockets.Read(pid, ContainerPort);
                    if (Kill(pid, 9) != 0)
                    {
                        sockets = null;
                        continue;
                    }
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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
