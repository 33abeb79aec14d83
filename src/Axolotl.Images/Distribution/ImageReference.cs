using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Axolotl.Images.Distribution;

/// <summary>
/// A normalised image reference, as containerd spells it: <c>nginx</c> becomes
/// <c>docker.io/library/nginx:latest</c>, <c>luksa/kubia</c> becomes <c>docker.io/luksa/kubia:latest</c>,
/// a first component with a dot, a colon or <c>localhost</c> is a registry.
/// </summary>
public sealed partial record ImageReference(string Domain, string Path, string Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>domain/path, e.g. docker.io/library/nginx.</summary>
    public string Repository => $"{Domain}/{Path}";

    /// <summary>The full reference, e.g. docker.io/library/nginx:1.15.12 (or …@sha256:… with a digest).</summary>
    public string Canonical => Digest is null ? $"{Repository}:{Tag}" : $"{Repository}@{Digest}";

    public override string ToString() => Canonical;

    public static bool TryParse(string? image, [NotNullWhen(true)] out ImageReference? reference)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(image) || image != image.Trim())
        {
            return false;
        }

        var rest = image;
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                return false;
            }
        }

        var tag = "latest";
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                return false;
            }
        }

        string domain;
        string path;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? rest : rest[..slash];
        if (slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            domain = first;
            path = rest[(slash + 1)..];
        }
        else
        {
            domain = DockerHub;
            path = rest;
        }

        if (domain is "index.docker.io" or "registry-1.docker.io")
        {
            domain = DockerHub;
        }

        if (domain == DockerHub && !path.Contains('/', StringComparison.Ordinal))
        {
            path = "library/" + path;
        }

        if (!PathPattern().IsMatch(path) || !DomainPattern().IsMatch(domain))
        {
            return false;
        }

        reference = new ImageReference(domain, path, tag, digest);
        return true;
    }

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex PathPattern();

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")]
    private static partial Regex DigestPattern();
}
