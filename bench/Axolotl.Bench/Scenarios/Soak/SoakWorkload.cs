using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Scenarios.Probes;
using Axolotl.Bench.Scenarios.Traffic;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// The pods the soak keeps alive on the server's own node: 30 crash-looping busybox pods (exit 1 after
/// 2 s, restartPolicy Always, so they walk the kubelet back-off up to its 300 s cap), 20 pods whose exec
/// readiness probe flips every 3 s, and the load test's 3-replica http-hello Deployment behind a NodePort.
/// </summary>
internal static class SoakWorkload
{
    public const int CrashLoopers = 30;
    public const int Flappers = 20;
    public const int WebReplicas = 3;
    public const string CrashApp = "soak-crash";
    public const string FlapApp = "soak-flap";
    public const string Namespace = AgentPods.Namespace;

    /// <summary>Runs 2 s, then fails: long enough for a 1 s poll to see every instance, short next to any back-off.</summary>
    private static readonly string[] CrashCommand = ["sh", "-c", "sleep 2; exit 1"];

    /// <summary>Ready in even 3-second slots of the wall clock, unready in odd ones; checked every second.</summary>
    private static readonly JsonObject FlappingProbe = new()
    {
        ["exec"] = new JsonObject { ["command"] = new JsonArray("sh", "-c", "test $(( $(date +%s) / 3 % 2 )) -eq 0") },
        ["periodSeconds"] = 1,
        ["failureThreshold"] = 1,
        ["successThreshold"] = 1,
    };

    public static string CrashPod(int i) => "crash-" + i.ToString("D2", CultureInfo.InvariantCulture);

    public static string FlapPod(int i) => "flap-" + i.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>
    /// Creates everything and returns the NodePort. The crash loopers are created <paramref name="stagger"/>
    /// apart so that their schedules do not start in lockstep: a burst after the restart then means something.
    /// </summary>
    public static async Task<int> CreateAsync(ApiClient api, string markers, TimeSpan stagger, CancellationToken ct)
    {
        var nodePort = await TrafficWorkload.CreateAsync(api, WebReplicas, markers, ct);
        for (var i = 0; i < Flappers; i++)
        {
            await api.CreateAsync(AgentPods.PodsPath, Pod(FlapPod(i), FlapApp, "Always",
                ProbePods.Container("c", "busybox", ["sleep", "36000"], readiness: FlappingProbe.DeepClone().AsObject())), ct);
        }
        for (var i = 0; i < CrashLoopers; i++)
        {
            await api.CreateAsync(AgentPods.PodsPath, Pod(CrashPod(i), CrashApp, "Always", ProbePods.Container("c", "busybox", CrashCommand)), ct);
            await Task.Delay(stagger, ct);
        }
        return nodePort;
    }

    private static byte[] Pod(string name, string app, string restartPolicy, JsonObject container) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["labels"] = new JsonObject { ["app"] = app } },
            ["spec"] = new JsonObject
            {
                ["restartPolicy"] = restartPolicy,
                ["terminationGracePeriodSeconds"] = 1,
                ["containers"] = new JsonArray(container),
            },
        });
}
