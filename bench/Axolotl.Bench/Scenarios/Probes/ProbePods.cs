using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.Bench.Scenarios.Probes;

/// <summary>
/// Pods with probes for the node agent to run (host images, explicit commands), built as JSON nodes so
/// that scripts with quotes and newlines need no hand escaping. Same namespace and label as <see cref="AgentPods"/>.
/// </summary>
internal static class ProbePods
{
    /// <summary>The Axolotl annotation key for sub-second timing of every container's probe of this kind (liveness, readiness, startup).</summary>
    public static string TimingKey(string kind) => "probes.axolotl.io/" + kind;

    public static byte[] Pod(string name, string restartPolicy, IReadOnlyDictionary<string, string> annotations, params JsonObject[] containers)
    {
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = AgentPods.Namespace,
            ["labels"] = new JsonObject { ["app"] = "bench-agent" },
        };
        if (annotations.Count > 0)
        {
            metadata["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        }
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = HostShm.AddTo(new JsonObject
            {
                ["restartPolicy"] = restartPolicy,
                ["terminationGracePeriodSeconds"] = 1,
                ["containers"] = new JsonArray([.. containers]),
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(pod);
    }

    /// <summary>A container running <paramref name="command"/> with the given probes (null: none).</summary>
    public static JsonObject Container(string name, string image, IReadOnlyList<string> command, JsonObject? liveness = null, JsonObject? readiness = null)
    {
        var container = new JsonObject
        {
            ["name"] = name,
            ["image"] = image,
            ["command"] = new JsonArray([.. command.Select(c => (JsonNode?)JsonValue.Create(c))]),
        };
        if (liveness is not null)
        {
            container["livenessProbe"] = liveness;
        }
        if (readiness is not null)
        {
            container["readinessProbe"] = readiness;
        }
        return container;
    }

    /// <summary>An exec probe running <paramref name="script"/> with bash (so the container's image must be debian).</summary>
    public static JsonObject BashProbe(string script, int failureThreshold, int successThreshold = 1) => Thresholds(new JsonObject
    {
        ["exec"] = new JsonObject { ["command"] = new JsonArray("bash", "-c", script) },
    }, periodSeconds: 1, failureThreshold, successThreshold);

    public static JsonObject HttpGetProbe(string path, int port, int periodSeconds, int failureThreshold = 3) => Thresholds(new JsonObject
    {
        ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = port },
    }, periodSeconds, failureThreshold, successThreshold: 1);

    public static JsonObject TcpSocketProbe(int port, int periodSeconds) => Thresholds(new JsonObject
    {
        ["tcpSocket"] = new JsonObject { ["port"] = port },
    }, periodSeconds, failureThreshold: 3, successThreshold: 1);

    private static JsonObject Thresholds(JsonObject probe, int periodSeconds, int failureThreshold, int successThreshold)
    {
        probe["periodSeconds"] = periodSeconds;
        probe["failureThreshold"] = failureThreshold;
        probe["successThreshold"] = successThreshold;
        return probe;
    }
}
