using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Axolotl.ApiServer.ControlPlane;

/// <summary>
/// How this API server authenticates callers, as kube-apiserver publishes it for aggregated API servers to configure
/// themselves (k8s.io/apiserver's delegated authentication reads it): the client CA, and the requestheader settings that
/// say which front proxy may speak for a user and in which headers. <see cref="Combine"/> is upstream's cluster
/// authentication trust controller's merge, a pure function: what the ConfigMap holds already (another server's CA in a
/// cluster whose servers do not share one, names another front proxy uses) stays, what this server needs is added,
/// and expired certificates go.
/// </summary>
public sealed record ClusterAuthenticationInfo(
    IReadOnlyList<X509Certificate2> ClientCa,
    IReadOnlyList<X509Certificate2> RequestHeaderCa,
    IReadOnlyList<string> RequestHeaderAllowedNames,
    IReadOnlyList<string> RequestHeaderUsernameHeaders,
    IReadOnlyList<string> RequestHeaderGroupHeaders,
    IReadOnlyList<string> RequestHeaderExtraHeaderPrefixes)
{
    public const string ClientCaKey = "client-ca-file";
    public const string RequestHeaderCaKey = "requestheader-client-ca-file";
    public const string AllowedNamesKey = "requestheader-allowed-names";
    public const string UsernameHeadersKey = "requestheader-username-headers";
    public const string GroupHeadersKey = "requestheader-group-headers";
    public const string ExtraHeadersPrefixKey = "requestheader-extra-headers-prefix";

    /// <summary>Upstream keeps a certificate until five minutes after it expired.</summary>
    private static readonly TimeSpan ExpirySlack = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The ConfigMap's data: what <paramref name="existing"/> holds merged with <paramref name="required"/>. Lists keep
    /// their order, the existing entries first, without duplicates; certificates likewise, minus expired ones. The
    /// requestheader keys are written only when there is a requestheader CA (upstream's rule); a value that does not
    /// parse is replaced rather than kept, so one bad write cannot wedge the ConfigMap.
    /// </summary>
    public static Dictionary<string, string> Combine(IReadOnlyDictionary<string, string>? existing, ClusterAuthenticationInfo required, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(required);
        existing ??= new Dictionary<string, string>();
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        var clientCa = Certificates(existing.GetValueOrDefault(ClientCaKey), required.ClientCa, now);
        if (clientCa.Length > 0)
        {
            data[ClientCaKey] = clientCa;
        }
        var requestHeaderCa = Certificates(existing.GetValueOrDefault(RequestHeaderCaKey), required.RequestHeaderCa, now);
        if (requestHeaderCa.Length == 0)
        {
            return data;
        }
        data[UsernameHeadersKey] = Strings(existing.GetValueOrDefault(UsernameHeadersKey), required.RequestHeaderUsernameHeaders);
        data[GroupHeadersKey] = Strings(existing.GetValueOrDefault(GroupHeadersKey), required.RequestHeaderGroupHeaders);
        data[ExtraHeadersPrefixKey] = Strings(existing.GetValueOrDefault(ExtraHeadersPrefixKey), required.RequestHeaderExtraHeaderPrefixes);
        data[RequestHeaderCaKey] = requestHeaderCa;
        data[AllowedNamesKey] = Strings(existing.GetValueOrDefault(AllowedNamesKey), required.RequestHeaderAllowedNames);
        return data;
    }

    /// <summary>A JSON array of strings, as Go's json.Marshal writes one (no spaces).</summary>
    private static string Strings(string? existing, IReadOnlyList<string> required)
    {
        var values = new List<string>();
        if (!string.IsNullOrEmpty(existing))
        {
            try
            {
                values.AddRange(JsonSerializer.Deserialize<List<string>>(existing) ?? []);
            }
            catch (JsonException)
            {
                // Not a list of strings: ours replaces it.
            }
        }
        values.AddRange(required);
        return JsonSerializer.Serialize(values.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>PEM, one CERTIFICATE block after another, each ending in a newline (Go's pem.Encode).</summary>
    private static string Certificates(string? existing, IReadOnlyList<X509Certificate2> required, DateTimeOffset now)
    {
        var all = new List<X509Certificate2>();
        if (!string.IsNullOrEmpty(existing))
        {
            var parsed = new X509Certificate2Collection();
            try
            {
                parsed.ImportFromPem(existing);
                all.AddRange(parsed);
            }
            catch (CryptographicException)
            {
                // Not PEM certificates: ours replace them.
            }
        }
        all.AddRange(required);
        var pem = new StringBuilder();
        var seen = new List<byte[]>();
        foreach (var certificate in all.Where(c => new DateTimeOffset(c.NotAfter.ToUniversalTime()) > now - ExpirySlack))
        {
            var raw = certificate.RawData;
            if (seen.Any(s => s.AsSpan().SequenceEqual(raw)))
            {
                continue;
            }
            seen.Add(raw);
            pem.Append(certificate.ExportCertificatePem()).Append('\n');
        }
        return pem.ToString();
    }
}
