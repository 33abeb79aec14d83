using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.Bench.Scenarios;

/// <summary>Pods that the node agent really runs: seed images (busybox, debian) with an explicit command and the node's /dev/shm (<see cref="HostShm"/>).</summary>
internal static class AgentPods
{
    public const string Namespace = "default";

    public static string PodsPath => $"/api/v1/namespaces/{Namespace}/pods";

    /// <summary>A pod whose one container runs <paramref name="command"/> from <paramref name="image"/>; no requests, so it always fits.</summary>
    public static byte[] Pod(string name, string image, IReadOnlyList<string> command, string restartPolicy) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["labels"] = new JsonObject { ["app"] = "bench-agent" } },
            ["spec"] = HostShm.AddTo(new JsonObject
            {
                ["restartPolicy"] = restartPolicy,
                ["terminationGracePeriodSeconds"] = 1,
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "c",
                    ["image"] = image,
                    ["command"] = new JsonArray([.. command.Select(c => (JsonNode?)JsonValue.Create(c))]),
                }),
            }),
        });

    /// <summary>A long sleeper: the cheapest container that stays Running.</summary>
    public static byte[] Sleeper(string name) => Pod(name, "busybox", ["sleep", "3600"], "Always");
}
