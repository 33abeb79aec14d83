using Axolotl.Api.Certificates;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Who a request authenticated as: the admin (admin token), a node (its client certificate, CN
/// system:node:NAME, O system:nodes), or a bootstrapper (a join token, which may only ask for a node
/// certificate).
/// </summary>
public sealed record Principal(string User, IReadOnlyList<string> Groups, string? NodeName)
{
    public const string NodesGroup = KubeletSigners.NodesGroup;

    public static Principal Admin { get; } = new("axolotl-admin", ["system:masters", "system:authenticated"], null);

    /// <summary>A node agent, as its client certificate names it.</summary>
    public static Principal Node(string name) => new(KubeletSigners.NodeUserPrefix + name, [NodesGroup, "system:authenticated"], name);

    /// <summary>A join token (kubeadm's bootstrap token): user system:bootstrap:ID in group system:bootstrappers.</summary>
    public static Principal Bootstrap(string tokenId) => new($"system:bootstrap:{tokenId}", [KubeletSigners.BootstrappersGroup, "system:authenticated"], null);

    public bool IsNode => NodeName is not null;

    public bool IsBootstrapper => Groups.Contains(KubeletSigners.BootstrappersGroup);
}
