namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// One HTTPRouteMatch, ready to test a request: the path (Exact, or PathPrefix element by element: "/foo" matches
/// "/foo" and "/foo/bar", not "/foobar", a trailing slash ignored on either side), the method, and headers
/// (names case-insensitive) and query parameters (names case-sensitive) that must all equal their values.
/// </summary>
public sealed class GatewayRouteMatch
{
    private readonly string _prefix;

    public GatewayRouteMatch(GatewayPathKind kind, string path, string? method, IReadOnlyList<(string Name, string Value)> headers,
        IReadOnlyList<(string Name, string Value)> queryParams)
    {
        Kind = kind;
        Path = path;
        Method = method;
        Headers = headers;
        QueryParams = queryParams;
        _prefix = path.TrimEnd('/');
    }

    public GatewayPathKind Kind { get; }

    public string Path { get; }

    public string? Method { get; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; }

    public IReadOnlyList<(string Name, string Value)> QueryParams { get; }

    /// <summary>The characters of a PathPrefix that count for precedence ("/foo/" counts as "/foo").</summary>
    public int PrefixLength => _prefix.Length;

    /// <summary>The prefix a ReplacePrefixMatch modifier replaces, without its trailing slash.</summary>
    public string Prefix => _prefix;

    public bool Matches(string method, string path, Func<string, string?> header, Func<string, string?> query) =>
        MatchesPath(path)
        && (Method is null || string.Equals(Method, method, StringComparison.Ordinal))
        && Headers.All(h => header(h.Name) == h.Value)
        && QueryParams.All(q => query(q.Name) == q.Value);

    public bool MatchesPath(string path)
    {
        if (Kind == GatewayPathKind.Exact)
        {
            return string.Equals(path, Path, StringComparison.Ordinal);
        }
        if (_prefix.Length == 0)
        {
            return true;
        }
        var candidate = path.Length > 1 ? path.TrimEnd('/') : path;
        return candidate.StartsWith(_prefix, StringComparison.Ordinal) && (candidate.Length == _prefix.Length || candidate[_prefix.Length] == '/');
    }
}
