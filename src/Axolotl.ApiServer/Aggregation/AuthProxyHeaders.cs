using System.Text;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// The requestheader identity kube-aggregator sends with every proxied request (client-go's SetAuthProxyHeaders):
/// X-Remote-User, one X-Remote-Group per group, and X-Remote-Extra-KEY per extra value with KEY escaped as upstream
/// escapes it. Whatever X-Remote-* the caller sent is dropped first, so no caller can speak for another user; the
/// backend believes these headers only because the connection carries the front-proxy client certificate.
/// Each value must reach the backend as a header line of its own: k8s.io/apiserver's requestheader authenticator
/// takes every line as one group and never splits at commas, while SocketsHttpHandler joins the values of one header
/// into one line with ", ". So several values are written as one value holding "\r\nNAME: " between them, which the
/// handler puts on the wire as it is (HTTP/1.1 only, which these requests are pinned to); a value that holds a
/// control character itself is left out, so nothing a credential carries can add a header.
/// </summary>
public static class AuthProxyHeaders
{
    public const string User = "X-Remote-User";
    public const string Group = "X-Remote-Group";
    public const string ExtraPrefix = "X-Remote-Extra-";
    public const string Uid = "X-Remote-Uid";

    /// <summary>Whether a caller's header is one of these (never passed on as the caller sent it).</summary>
    public static bool IsIdentityHeader(string name) =>
        name.Equals(User, StringComparison.OrdinalIgnoreCase) || name.Equals(Group, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(Uid, StringComparison.OrdinalIgnoreCase) || name.StartsWith(ExtraPrefix, StringComparison.OrdinalIgnoreCase);

    public static void Set(HttpRequestMessage request, Principal principal)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(principal);
        foreach (var name in request.Headers.Select(h => h.Key).Where(IsIdentityHeader).ToList())
        {
            request.Headers.Remove(name);
        }
        request.Version = System.Net.HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        AddLines(request, User, [principal.User]);
        AddLines(request, Group, principal.Groups);
        foreach (var (key, values) in principal.Extra ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            AddLines(request, ExtraPrefix + EscapeKey(key), values);
        }
    }

    private static void AddLines(HttpRequestMessage request, string name, IEnumerable<string> values)
    {
        var clean = values.Where(v => !v.Any(char.IsControl)).ToList();
        if (clean.Count > 0)
        {
            request.Headers.TryAddWithoutValidation(name, string.Join("\r\n" + name + ": ", clean));
        }
    }

    /// <summary>
    /// client-go's headerKeyEscape: bytes that may stand in a header name unescaped pass, every other byte (and '%')
    /// becomes %XX, so a key like "example.com/scopes" survives as a header name.
    /// </summary>
    public static string EscapeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            if (b < 0x80 && c != '%' && (char.IsAsciiLetterOrDigit(c) || "!#$&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }
}
