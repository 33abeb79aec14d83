using Axolotl.Api.Certificates;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Who a request authenticated as: the admin (admin token), a node (its client certificate, CN
/// system:node:NAME, O system:nodes), or a bootstrapper (a join token, which may only ask for a node
/// certificate).
/// </summary>
public sealed record Principal(string User, IReadOnlyList<string> Groups, string? NodeName)
{
    public const string ServiceAccountPrefix = "system:serviceaccount:";
    public const string MastersGroup = "system:masters";
    public const string AuthenticatedGroup = "system:authenticated";
    public const string UnauthenticatedGroup = "system:unauthenticated";
    public const string AnonymousUser = "system:anonymous";

    /// <summary>The user's UID, when the authenticator (or impersonation) gives one.</summary>
    public string? Uid { get; init; }

    /// <summary>Extra attributes (a service account token's pod, node and credential id; impersonation's Impersonate-Extra-*), as upstream's user.Info carries them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Extra { get; init; }

    /// <summary>A request without credentials to a path anyone may read (health, version).</summary>
    public static Principal Anonymous { get; } = new(AnonymousUser, [UnauthenticatedGroup], null);

    /// <summary>
    /// A user as named by a credential (a client certificate's CN and O, impersonation headers): a node
    /// when the name is system:node:NAME in group system:nodes, as upstream's node identifier decides.
    /// </summary>
    public static Principal FromUser(string user, IReadOnlyList<string> groups)
    {
        var node = user.StartsWith(KubeletSigners.NodeUserPrefix, StringComparison.Ordinal) && groups.Contains(NodesGroup)
            ? user[KubeletSigners.NodeUserPrefix.Length..]
            : null;
        return new Principal(user, groups, string.IsNullOrEmpty(node) ? null : node)
        {
            IngressControllerNodeName = groups.Contains(IngressControllerIdentity.Group) ? IngressControllerIdentity.NodeOf(user) : null,
        };
    }

    /// <summary>(namespace, name) when this is a ServiceAccount's user name system:serviceaccount:NS:NAME.</summary>
    public static (string Namespace, string Name)? ServiceAccountOf(string user)
    {
        if (!user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = user[ServiceAccountPrefix.Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 || colon == rest.Length - 1 || rest.IndexOf(':', colon + 1) >= 0 ? null : (rest[..colon], rest[(colon + 1)..]);
    }

    public bool IsMaster => Groups.Contains(MastersGroup);

    public const string NodesGroup = KubeletSigners.NodesGroup;

    public static Principal Admin { get; } = new("axolotl-admin", [MastersGroup, AuthenticatedGroup], null);

    /// <summary>A node agent, as its client certificate names it.</summary>
    public static Principal Node(string name) => new(KubeletSigners.NodeUserPrefix + name, [NodesGroup, "system:authenticated"], name);

    /// <summary>A join token (kubeadm's bootstrap token): user system:bootstrap:ID in group system:bootstrappers.</summary>
    public static Principal Bootstrap(string tokenId) => new($"system:bootstrap:{tokenId}", [KubeletSigners.BootstrappersGroup, "system:authenticated"], null);

    public bool IsNode => NodeName is not null;

    /// <summary>A joined node's edge controllers (user system:axolotl-ingress-controller:NODE in system:axolotl-ingress-controllers): the node they run on.</summary>
    public string? IngressControllerNodeName { get; init; }

    public bool IsIngressController => IngressControllerNodeName is not null;

    /// <summary>When the credential this request authenticated with expires (a client certificate's notAfter); null when unknown or never.</summary>
    public DateTimeOffset? CredentialNotAfter { get; init; }

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

    /// <summary>The one node a join token scoped with `axolotl token create --node-name` may obtain the certificate of; null for any other principal.</summary>
    public string? BootstrapNodeName { get; init; }
}
