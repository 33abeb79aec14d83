namespace Axolotl.Api.Certificates;

/// <summary>
/// The identity of a joined node's edge controllers (its Ingress and Gateway API controllers), modelled on the
/// kubelet's: one user per node, <c>system:axolotl-ingress-controller:NODE</c>, in one group,
/// <c>system:axolotl-ingress-controllers</c>, from a client certificate of its own signer that only that node may
/// obtain (ADR 0025 *Identity*). The server's own node keeps the single <c>system:axolotl-ingress-controller</c>.
/// </summary>
public static class IngressControllerIdentity
{
    /// <summary>The signer of these client certificates; signed with the cluster CA like node client certificates.</summary>
    public const string Signer = "axolotl.io/kube-apiserver-client-ingress-controller";

    public const string UserPrefix = "system:axolotl-ingress-controller:";

    public const string Group = "system:axolotl-ingress-controllers";

    /// <summary>The node a user name <c>system:axolotl-ingress-controller:NODE</c> names, else null.</summary>
    public static string? NodeOf(string? user) =>
        user is not null && user.StartsWith(UserPrefix, StringComparison.Ordinal) && user.Length > UserPrefix.Length ? user[UserPrefix.Length..] : null;

    public static string UserOf(string node) => UserPrefix + node;
}
