namespace Axolotl.Proxy.Ingress;

/// <summary>
/// How a path rule matches. ImplementationSpecific is served as <see cref="Prefix"/> (ingress-nginx treats
/// it as a prefix too, without regular expressions unless annotated; Axolotl has no such annotation).
/// </summary>
public enum IngressPathKind
{
    Exact,
    Prefix,
}
