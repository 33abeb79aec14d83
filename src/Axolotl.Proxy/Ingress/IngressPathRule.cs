namespace Axolotl.Proxy.Ingress;

/// <summary>
/// One path of one Ingress rule, ready to match. Prefix matches element by element as the Ingress spec
/// defines it: "/foo/bar" matches "/foo/bar" and "/foo/bar/baz" but not "/foo/barbaz", and a trailing
/// slash on either side is ignored.
/// </summary>
public sealed class IngressPathRule
{
    private readonly string _prefix;

    public IngressPathRule(IngressPathKind kind, string path, IngressRouteBackend backend)
    {
        Kind = kind;
        Path = path;
        Backend = backend;
        _prefix = path.TrimEnd('/');
    }

    public IngressPathKind Kind { get; }

    public string Path { get; }

    public IngressRouteBackend Backend { get; }

    /// <summary>How specific the rule is: longer paths win, and at equal length Exact beats Prefix (the spec's order).</summary>
    public int Length => Kind == IngressPathKind.Exact ? Path.Length : _prefix.Length;

    public bool Matches(string requestPath)
    {
        if (Kind == IngressPathKind.Exact)
        {
            return string.Equals(requestPath, Path, StringComparison.Ordinal);
        }
        if (_prefix.Length == 0)
        {
            return true;
        }
        var candidate = requestPath.Length > 1 ? requestPath.TrimEnd('/') : requestPath;
        // Element-wise: the next character after the prefix must end the path or start a new element.
        return candidate.StartsWith(_prefix, StringComparison.Ordinal) && (candidate.Length == _prefix.Length || candidate[_prefix.Length] == '/');
    }

    public static IngressPathKind? KindOf(string? pathType) => pathType switch
    {
        "Exact" => IngressPathKind.Exact,
        "Prefix" or "ImplementationSpecific" => IngressPathKind.Prefix,
        _ => null,
    };
}
