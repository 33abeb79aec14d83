using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.Endpoints;

/// <summary>Builders for the Services and pods the endpoint tests compute over.</summary>
internal static class EndpointObjects
{
    public static readonly DateTimeOffset Created = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Service Service(string name = "web", string clusterIp = "10.96.0.20", params ServicePort[] ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "default",
            Uid = $"uid-{name}",
            CreationTimestamp = Created,
            Labels = new Dictionary<string, string> { ["team"] = "a" },
        },
        Spec = new ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = name },
            ClusterIP = clusterIp,
            Type = "ClusterIP",
            Ports = ports.Length == 0 ? [Port(80, 8080)] : [.. ports],
        },
    };

    public static ServicePort Port(int port, IntOrString target, string? name = null, string protocol = "TCP") =>
        new() { Name = name, Port = port, TargetPort = target, Protocol = protocol };

    public static Pod Pod(string name, string? ip, bool ready = true, string app = "web", DateTimeOffset? readySince = null, params ContainerPort[] ports) =>
        PodBuilder.Named(name).WithUid().Labeled("app", app)
            .OnNode("node-1").WithContainer("app", configure: c => c.Ports = [.. ports])
            .InPhase("Running").WithIp(ip).Ready(ready, since: readySince ?? Created.AddSeconds(5))
            .Build();

    public static ContainerPort Named(string name, int number, string protocol = "TCP") =>
        new() { Name = name, ContainerPortNumber = number, Protocol = protocol };

    public static Pod Terminating(this Pod pod)
    {
        pod.Metadata.DeletionTimestamp = Created.AddMinutes(1);
        return pod;
    }

    public static Pod WithPhase(this Pod pod, string phase)
    {
        pod.Status!.Phase = phase;
        return pod;
    }
}
