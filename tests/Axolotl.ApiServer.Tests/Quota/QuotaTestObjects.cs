using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.ApiServer.Tests.Quota;

internal static class QuotaTestObjects
{
    public static Dictionary<string, Quantity> List(params (string Name, string Value)[] entries) =>
        entries.ToDictionary(e => e.Name, e => Quantity.Parse(e.Value), StringComparer.Ordinal);

    public static Container Container(string name, Dictionary<string, Quantity>? requests = null, Dictionary<string, Quantity>? limits = null) =>
        new() { Name = name, Image = "busybox", Resources = new ResourceRequirements { Requests = requests, Limits = limits } };

    public static Pod Pod(params Container[] containers)
    {
        var pod = new Pod { Spec = new PodSpec { Containers = [.. containers] } };
        pod.Metadata.Name = "p";
        pod.Metadata.Namespace = "ns";
        return pod;
    }
}
