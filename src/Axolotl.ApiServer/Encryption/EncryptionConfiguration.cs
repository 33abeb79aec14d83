using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Http;

namespace Axolotl.ApiServer.Encryption;

/// <summary>
/// Kubernetes' EncryptionConfiguration (apiserver.config.k8s.io/v1): which resources are encrypted at
/// rest and by which providers. Axolotl implements the aesgcm and identity providers; any other is
/// refused at start rather than ignored. A first start writes DIR/encryption-config.yaml (0600) that
/// encrypts Secrets with a fresh 32-byte key, so Secrets never reach the database in clear by default.
/// </summary>
public static class EncryptionConfiguration
{
    public const string DefaultFileName = "encryption-config.yaml";

    /// <summary>The storage key prefix ("/secrets/") → its providers.</summary>
    public static Dictionary<string, IValueTransformer> LoadOrCreate(string dataDir, string? path)
    {
        var file = path ?? Path.Combine(dataDir, DefaultFileName);
        if (path is null && !File.Exists(file))
        {
            WriteDefault(file);
        }
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (IOException e)
        {
            throw new EncryptionException($"cannot read the encryption provider config {file}: {e.Message}");
        }
        return Parse(text, file);
    }

    public static Dictionary<string, IValueTransformer> Parse(string yaml, string source)
    {
        JsonObject root;
        try
        {
            root = YamlToJson.Convert(yaml) as JsonObject ?? throw new FormatException("not a mapping");
        }
        catch (FormatException e)
        {
            throw new EncryptionException($"{source}: {e.Message}");
        }
        if (Text(root["kind"]) != "EncryptionConfiguration" || Text(root["apiVersion"]) is not ("apiserver.config.k8s.io/v1" or "apiserver.config.k8s.io/v1beta1"))
        {
            throw new EncryptionException($"{source}: want apiVersion apiserver.config.k8s.io/v1 and kind EncryptionConfiguration");
        }
        var result = new Dictionary<string, IValueTransformer>(StringComparer.Ordinal);
        foreach (var entry in (root["resources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var chain = Chain(entry["providers"] as JsonArray ?? [], source);
            foreach (var name in (entry["resources"] as JsonArray ?? []).Select(Text))
            {
                var prefix = StoragePrefix(name, source);
                // Upstream: the first entry naming a resource wins.
                result.TryAdd(prefix, chain);
            }
        }
        return result;
    }

    private static ProviderChain Chain(JsonArray providers, string source)
    {
        AesGcmKey? write = null;
        var read = new List<AesGcmKey>();
        var identity = false;
        foreach (var (provider, index) in providers.OfType<JsonObject>().Select((p, i) => (p, i)))
        {
            var kind = provider.Select(p => p.Key).SingleOrDefault() ?? throw new EncryptionException($"{source}: providers[{index}] names no provider");
            switch (kind)
            {
                case "identity":
                    identity = true;
                    break;
                case "aesgcm":
                    var keys = (provider["aesgcm"]?["keys"] as JsonArray ?? []).OfType<JsonObject>().Select(k => Key(k, source)).ToList();
                    if (keys.Count == 0)
                    {
                        throw new EncryptionException($"{source}: providers[{index}].aesgcm.keys: Required value");
                    }
                    if (index == 0)
                    {
                        write = keys[0];
                    }
                    read.AddRange(keys);
                    break;
                default:
                    throw new EncryptionException($"{source}: provider \"{kind}\" is not supported by Axolotl (aesgcm and identity are)");
            }
        }
        if (providers.Count == 0)
        {
            throw new EncryptionException($"{source}: providers: Required value");
        }
        return new ProviderChain(write, read, identity);
    }

    private static AesGcmKey Key(JsonObject key, string source)
    {
        var name = Text(key["name"]);
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(Text(key["secret"]) ?? "");
        }
        catch (FormatException)
        {
            throw new EncryptionException($"{source}: the secret of aesgcm key \"{name}\" is not base64");
        }
        if (string.IsNullOrEmpty(name) || name.Contains(':', StringComparison.Ordinal))
        {
            throw new EncryptionException($"{source}: an aesgcm key needs a name without ':'");
        }
        return secret.Length is 16 or 24 or 32
            ? new AesGcmKey(name, secret)
            : throw new EncryptionException($"{source}: aesgcm key \"{name}\" is {secret.Length} bytes; want 16, 24 or 32");
    }

    /// <summary>"secrets", "configmaps", "deployments.apps" → the resource's storage prefix.</summary>
    private static string StoragePrefix(string? name, string source)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('*', StringComparison.Ordinal))
        {
            throw new EncryptionException($"{source}: resource \"{name}\" is not supported (name resources one by one, e.g. secrets or deployments.apps)");
        }
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var (plural, group) = dot < 0 ? (name, "") : (name[..dot], name[(dot + 1)..]);
        var type = KnownResources.All.FirstOrDefault(t => t.Plural == plural && t.Group == group)
            ?? throw new EncryptionException($"{source}: resource \"{name}\" is not served by Axolotl");
        return $"/{type.StorageResource}/";
    }

    private static void WriteDefault(string file)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var yaml = new StringBuilder()
            .Append("# Made by the first start of `axolotl server`: Secrets are encrypted at rest with AES-GCM.\n")
            .Append("# To rotate: add a new key first in the list, restart, rewrite every Secret\n")
            .Append("# (kubectl get secrets -A -o json | kubectl replace -f -), then drop the old key.\n")
            .Append("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n")
            .Append("  - resources:\n      - secrets\n    providers:\n      - aesgcm:\n          keys:\n")
            .Append("            - name: key1\n              secret: ").Append(secret).Append('\n')
            .Append("      - identity: {}\n")
            .ToString();
        var temp = file + ".tmp";
        File.WriteAllText(temp, yaml);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, file, overwrite: false);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
