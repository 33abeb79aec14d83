namespace Axolotl.Proxy.Ingress;

/// <summary>
/// The paths of one host (or of every host, for rules without one), most specific first, and what serves
/// a request none of them matches: the defaultBackend of the oldest Ingress with rules for this host that
/// has one (ingress-nginx gives each server its Ingress's default backend), else the table's.
/// </summary>
public sealed class IngressHostRoutes(IReadOnlyList<IngressPathRule> paths, IngressRouteBackend? fallback)
{
    public IReadOnlyList<IngressPathRule> Paths { get; } = paths;

    public IngressRouteBackend? Fallback { get; } = fallback;

    public IngressPathRule? Match(string path)
    {
        for (var i = 0; i < Paths.Count; i++)
        {
            if (Paths[i].Matches(path))
            {
                return Paths[i];
            }
        }
        return null;
    }
}
