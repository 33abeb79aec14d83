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

    /// <summary>Extra attributes of the user (a service account token's pod, node and credential id), as upstream's user.Info extra.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Extra { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>A service account, as its token authenticates it: system:serviceaccount:NS:NAME.</summary>
    public static Principal ServiceAccount(string ns, string name, string uid, IReadOnlyDictionary<string, IReadOnlyList<string>> extra) =>
        new($"system:serviceaccount:{ns}:{name}", ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"], null)
        {
            Extra = extra,
            ServiceAccountUid = uid,
        };

    /// <summary>The uid of a service account principal's ServiceAccount; null for every other principal.</summary>
    public string? ServiceAccountUid { get; init; }

    public bool IsBootstrapper => Groups.Contains(KubeletSigners.BootstrappersGroup);
}
