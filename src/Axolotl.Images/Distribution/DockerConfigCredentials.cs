using System.Text;
using System.Text.Json;

namespace Axolotl.Images.Distribution;

/// <summary>
/// Registry credentials from a Docker config: a <c>kubernetes.io/dockerconfigjson</c> Secret
/// (<c>{"auths": {HOST: {...}}}</c>), a legacy <c>kubernetes.io/dockercfg</c> one (<c>{HOST: {...}}</c>)
/// or a node's config.json. An entry has <c>auth</c> (base64 user:password) or username and password.
/// Which entries apply to a registry follows the kubelet's keyring: the key's host (scheme and path
/// dropped), Docker Hub's several names, and <c>*.</c> wildcards of one label.
/// </summary>
public static class DockerConfigCredentials
{
    public const string DockerConfigJsonType = "kubernetes.io/dockerconfigjson";
    public const string DockerCfgType = "kubernetes.io/dockercfg";

    /// <summary>The Secret's credentials; null when the Secret is not a docker config or cannot be read.</summary>
    public static IReadOnlyList<RegistryCredential>? FromSecret(string? type, IReadOnlyDictionary<string, byte[]>? data)
    {
        if (data is null)
        {
            return null;
        }

        return type switch
        {
            DockerConfigJsonType when data.TryGetValue(".dockerconfigjson", out var json) => Parse(json, wrapped: true),
            DockerCfgType when data.TryGetValue(".dockercfg", out var cfg) => Parse(cfg, wrapped: false),
            _ => null,
        };
    }

    /// <summary>A node's config.json (<c>{"auths": …}</c>); empty when it has none.</summary>
    public static IReadOnlyList<RegistryCredential> FromConfigFile(byte[] json) => Parse(json, wrapped: true) ?? [];

    private static List<RegistryCredential>? Parse(byte[] json, bool wrapped)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (wrapped)
            {
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("auths", out root))
                {
                    return null;
                }
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var credentials = new List<RegistryCredential>();
            foreach (var entry in root.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Object && Entry(entry.Name, entry.Value) is { } credential)
                {
                    credentials.Add(credential);
                }
            }

            return credentials;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static RegistryCredential? Entry(string key, JsonElement value)
    {
        var username = String(value, "username");
        var password = String(value, "password");
        if (String(value, "auth") is { Length: > 0 } auth)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    username = decoded[..colon];
                    password = decoded[(colon + 1)..];
                }
            }
            catch (FormatException)
            {
            }
        }

        return string.IsNullOrEmpty(username) || password is null ? null : new RegistryCredential(HostOf(key), username, password);
    }

    private static string? String(JsonElement value, string name) =>
        value.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    /// <summary>A config key as a host: "https://index.docker.io/v1/" → "index.docker.io".</summary>
    internal static string HostOf(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        return (slash >= 0 ? host[..slash] : host).ToLowerInvariant();
    }

    /// <summary>Whether a credential's registry names <paramref name="registry"/> (a reference's domain, e.g. docker.io or 127.0.0.1:5000).</summary>
    public static bool Matches(RegistryCredential credential, string registry)
    {
        var wanted = registry.ToLowerInvariant();
        var have = credential.Registry;
        if (IsDockerHub(wanted) && IsDockerHub(have))
        {
            return true;
        }

        if (have == wanted)
        {
            return true;
        }

        if (have.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = wanted.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && wanted[(dot + 1)..] == have[2..];
        }

        return false;
    }

    private static bool IsDockerHub(string host) => host is "docker.io" or "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com";
}
