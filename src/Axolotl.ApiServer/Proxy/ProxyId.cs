namespace Axolotl.ApiServer.Proxy;

/// <summary>
/// The NAME of a proxy request: "name", "name:port" or "scheme:name:port", scheme http or https
/// (upstream's SplitSchemeNamePort). The port is a number or, for a Service, a port name; empty means
/// the default.
/// </summary>
public sealed record ProxyId(string Scheme, string Name, string Port)
{
    /// <summary>Null when <paramref name="id"/> has no name, too many parts or an unknown scheme.</summary>
    public static ProxyId? Parse(string id)
    {
        var parts = id.Split(':');
        var (scheme, name, port) = parts.Length switch
        {
            1 => ("", parts[0], ""),
            2 => ("", parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => (null, "", ""),
        };
        if (scheme is not ("" or "http" or "https") || name.Length == 0)
        {
            return null;
        }
        return new ProxyId(scheme.Length == 0 ? "http" : scheme, name, port);
    }
}
