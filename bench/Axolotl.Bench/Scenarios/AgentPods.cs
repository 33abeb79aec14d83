using System.Text;
using System.Text.Json;

namespace Axolotl.Bench.Scenarios;

/// <summary>Pods that the node agent really runs: host images (busybox, debian) with an explicit command.</summary>
internal static class AgentPods
{
    public const string Namespace = "default";

    public static string PodsPath => $"/api/v1/namespaces/{Namespace}/pods";

    /// <summary>A pod whose one container runs <paramref name="command"/> from <paramref name="image"/>; no requests, so it always fits.</summary>
    public static byte[] Pod(string name, string image, IReadOnlyList<string> command, string restartPolicy) =>
        Encoding.UTF8.GetBytes($$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{Namespace}}}","labels":{"app":"bench-agent"}},
            "spec":{"restartPolicy":"{{{restartPolicy}}}","terminationGracePeriodSeconds":1,
            "containers":[{"name":"c","image":"{{{image}}}","command":{{{JsonSerializer.Serialize(command)}}}}]}}
            """.ReplaceLineEndings(""));

    /// <summary>A long sleeper: the cheapest container that stays Running.</summary>
    public static byte[] Sleeper(string name) => Pod(name, "busybox", ["sleep", "3600"], "Always");
}
