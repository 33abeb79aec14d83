namespace Axolotl.ApiServer.Http;

/// <summary>
/// A proxy request's path: <paramref name="Prefix"/> up to and including "proxy"
/// (/api/v1/namespaces/NS/services/NAME/proxy), and <paramref name="Tail"/>, the path the pod is asked
/// for: "" for ".../proxy", "/" for ".../proxy/", "/a/b" for ".../proxy/a/b". Both still escaped.
/// </summary>
public sealed record ProxyPath(string Prefix, string Tail);
