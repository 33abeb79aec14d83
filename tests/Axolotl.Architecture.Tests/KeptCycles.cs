namespace Axolotl.Architecture.Tests;

/// <summary>A namespace cycle kept on purpose, and why (each has its paragraph in ADR 0020).</summary>
public sealed record KeptCycle(string Reason, params string[] Namespaces);

/// <summary>
/// The namespace cycles the project keeps for now (docs/adr/0020-namespace-cycles-kept.md). A cycle
/// found in the tree passes only when every namespace in it is listed in one entry here, so a kept
/// cycle may lose members but never gain one.
/// </summary>
public static class KeptCycles
{
    private static readonly KeptCycle[] All =
    [
        new("validation reads the scheme and a few kinds' helpers, which validate their own fields in turn",
            "Axolotl.Api.Certificates", "Axolotl.Api.Policy", "Axolotl.Api.Scheme", "Axolotl.Api.Selectors", "Axolotl.Api.Validation"),
        new("the runtime's contract types (ContainerSpec, AttachSpec) sit in Axolotl.Runtime's root namespace, which also composes attach and devices; a contract namespace below both takes this apart",
            "Axolotl.Runtime", "Axolotl.Runtime.Attach", "Axolotl.Runtime.Devices"),
        new("the kubelet's share: pods, status, probes, volumes and eviction read each other's types; the PodWorker collaborators take this apart",
            "Axolotl.Agent", "Axolotl.Agent.Eviction", "Axolotl.Agent.Metrics", "Axolotl.Agent.Node", "Axolotl.Agent.Pods", "Axolotl.Agent.Pods.Security",
            "Axolotl.Agent.Probes", "Axolotl.Agent.Probes.Probers", "Axolotl.Agent.Recovery", "Axolotl.Agent.Status", "Axolotl.Agent.Volumes"),
        new("authentication builds on the RBAC policy's principal and the policy names the principal it authorizes",
            "Axolotl.ApiServer.Security", "Axolotl.ApiServer.Security.Rbac"),
        new("the resource handler dispatches watches, and the watch handler takes the handler's request scope",
            "Axolotl.ApiServer.Rest", "Axolotl.ApiServer.Watch"),
    ];

    public static bool Any(Func<KeptCycle, bool> covers) => All.Any(covers);
}
