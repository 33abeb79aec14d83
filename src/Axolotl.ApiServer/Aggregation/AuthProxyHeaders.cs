using System.Text;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// The requestheader identity kube-aggregator sends with every proxied request (client-go's SetAuthProxyHeaders):
/// X-Remote-User, one X-Remote-Group per group, and X-Remote-Extra-KEY per extra value with KEY escaped as upstream
/// escapes it. Whatever X-Remote-* the caller sent is dropped first, so no caller can speak for another user; the
/// backend believes these headers only because the connection carries the front-proxy client certificate.
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
        request.Headers.TryAddWithoutValidation(User, principal.User);
        foreach (var group in principal.Groups)
        {
            request.Headers.TryAddWithoutValidation(Group, group);
        }
        foreach (var (key, values) in principal.Extra ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            foreach (var value in values)
            {
                request.Headers.TryAddWithoutValidation(ExtraPrefix + EscapeKey(key), value);
            }
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
