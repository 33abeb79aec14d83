using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// What kube-apiserver's Go encoding always writes and our JSON would leave out: struct fields that
/// encoding/json never omits (a Service's <c>status: {loadBalancer: {}}</c>, a Deployment's
/// <c>status: {}</c>, the non-omitempty counters of ReplicaSet, ReplicationController, DaemonSet and
/// PodDisruptionBudget status), and no <c>metadata.generation</c> on kinds whose strategy does not track
/// one (older stored objects may carry it). Applied to every object a client is given (create, get,
/// list, watch, update, delete), so clients that compare or index these fields see upstream's shape.
/// </summary>
public static class ServedDefaults
{
    public static JsonObject Apply(ResourceType type, JsonObject obj)
    {
        if (!ObjectMetaRules.TracksGeneration(type) && obj["metadata"] is JsonObject meta)
        {
            meta.Remove("generation");
        }
        switch (type.Group, type.Kind)
        {
            case ("", "Service") or ("networking.k8s.io", "Ingress"):
                Ensure(Status(obj), "loadBalancer");
                break;
            case ("apps", "Deployment") or ("batch", "Job" or "CronJob"):
                Status(obj);
                break;
            case ("apps", "ReplicaSet") or ("", "ReplicationController"):
                Zeros(Status(obj), "replicas");
                break;
            case ("apps", "DaemonSet"):
                Zeros(Status(obj), "currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady");
                break;
            case ("apps", "StatefulSet"):
                Zeros(Status(obj), "replicas", "availableReplicas");
                break;
            case ("policy", "PodDisruptionBudget"):
                Zeros(Status(obj), "disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods");
                break;
        }
        return obj;
    }

    private static JsonObject Status(JsonObject obj) => Ensure(obj, "status");

    private static JsonObject Ensure(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    private static void Zeros(JsonObject status, params string[] fields)
    {
        foreach (var field in fields)
        {
            if (status[field] is null)
            {
                status[field] = 0;
            }
        }
    }
}
