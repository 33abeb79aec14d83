namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// The "required" lists upstream publishes for the types we model. Our models give these fields defaults instead
/// of C# required members, so the schema states them from this table (only where the property exists).
/// </summary>
internal static class UpstreamRequired
{
    private static readonly Dictionary<string, string[]> Fields = new(StringComparer.Ordinal)
    {
        ["io.k8s.api.core.v1.PodSpec"] = ["containers"],
        ["io.k8s.api.core.v1.Container"] = ["name"],
        ["io.k8s.api.core.v1.EphemeralContainer"] = ["name"],
        ["io.k8s.api.core.v1.ContainerPort"] = ["containerPort"],
        ["io.k8s.api.core.v1.EnvVar"] = ["name"],
        ["io.k8s.api.core.v1.VolumeMount"] = ["name", "mountPath"],
        ["io.k8s.api.core.v1.VolumeDevice"] = ["name", "devicePath"],
        ["io.k8s.api.core.v1.Volume"] = ["name"],
        ["io.k8s.api.core.v1.KeyToPath"] = ["key", "path"],
        ["io.k8s.api.core.v1.ConfigMapKeySelector"] = ["key"],
        ["io.k8s.api.core.v1.SecretKeySelector"] = ["key"],
        ["io.k8s.api.core.v1.ObjectFieldSelector"] = ["fieldPath"],
        ["io.k8s.api.core.v1.ResourceFieldSelector"] = ["resource"],
        ["io.k8s.api.core.v1.HostPathVolumeSource"] = ["path"],
        ["io.k8s.api.core.v1.HTTPGetAction"] = ["port"],
        ["io.k8s.api.core.v1.HTTPHeader"] = ["name", "value"],
        ["io.k8s.api.core.v1.TCPSocketAction"] = ["port"],
        ["io.k8s.api.core.v1.GRPCAction"] = ["port"],
        ["io.k8s.api.core.v1.ContainerStatus"] = ["name", "ready", "restartCount", "image", "imageID"],
        ["io.k8s.api.core.v1.PodCondition"] = ["type", "status"],
        ["io.k8s.api.core.v1.PodReadinessGate"] = ["conditionType"],
        ["io.k8s.api.core.v1.PodIP"] = ["ip"],
        ["io.k8s.api.core.v1.HostIP"] = ["ip"],
        ["io.k8s.api.core.v1.NodeCondition"] = ["type", "status"],
        ["io.k8s.api.core.v1.NodeAddress"] = ["type", "address"],
        ["io.k8s.api.core.v1.NamespaceCondition"] = ["type", "status"],
        ["io.k8s.api.core.v1.ReplicationControllerCondition"] = ["type", "status"],
        ["io.k8s.api.core.v1.Taint"] = ["key", "effect"],
        ["io.k8s.api.core.v1.NodeSelector"] = ["nodeSelectorTerms"],
        ["io.k8s.api.core.v1.NodeSelectorRequirement"] = ["key", "operator"],
        ["io.k8s.api.core.v1.PreferredSchedulingTerm"] = ["weight", "preference"],
        ["io.k8s.api.core.v1.PodAffinityTerm"] = ["topologyKey"],
        ["io.k8s.api.core.v1.WeightedPodAffinityTerm"] = ["weight", "podAffinityTerm"],
        ["io.k8s.api.core.v1.TopologySpreadConstraint"] = ["maxSkew", "topologyKey", "whenUnsatisfiable"],
        ["io.k8s.api.core.v1.ServicePort"] = ["port"],
        ["io.k8s.api.core.v1.EndpointAddress"] = ["ip"],
        ["io.k8s.api.core.v1.EndpointPort"] = ["port"],
        ["io.k8s.api.core.v1.Event"] = ["metadata", "involvedObject"],
        ["io.k8s.api.core.v1.LimitRangeSpec"] = ["limits"],
        ["io.k8s.api.core.v1.LimitRangeItem"] = ["type"],
        ["io.k8s.api.core.v1.DaemonEndpoint"] = ["Port"],
        ["io.k8s.api.core.v1.ContainerImage"] = ["names"],
        ["io.k8s.api.core.v1.Sysctl"] = ["name", "value"],
        ["io.k8s.api.core.v1.ContainerResizePolicy"] = ["resourceName", "restartPolicy"],
        ["io.k8s.api.apps.v1.DeploymentSpec"] = ["selector", "template"],
        ["io.k8s.api.apps.v1.ReplicaSetSpec"] = ["selector"],
        ["io.k8s.api.apps.v1.DaemonSetSpec"] = ["selector", "template"],
        ["io.k8s.api.apps.v1.DeploymentCondition"] = ["type", "status"],
        ["io.k8s.api.apps.v1.ReplicaSetCondition"] = ["type", "status"],
        ["io.k8s.api.apps.v1.DaemonSetCondition"] = ["type", "status"],
        ["io.k8s.api.apps.v1.StatefulSetSpec"] = ["selector", "template"],
        ["io.k8s.api.apps.v1.StatefulSetCondition"] = ["type", "status"],
        ["io.k8s.api.apps.v1.ControllerRevision"] = ["revision"],
        ["io.k8s.api.discovery.v1.EndpointSlice"] = ["addressType", "endpoints"],
        ["io.k8s.api.discovery.v1.Endpoint"] = ["addresses"],
        ["io.k8s.api.events.v1.Event"] = ["eventTime"],
        ["io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference"] = ["apiVersion", "kind", "name", "uid"],
        ["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement"] = ["key", "operator"],
        ["io.k8s.apimachinery.pkg.apis.meta.v1.Condition"] = ["type", "status", "lastTransitionTime", "reason", "message"],
    };

    public static IReadOnlyList<string> For(string schemaName) => Fields.GetValueOrDefault(schemaName) ?? [];
}
