using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Axolotl.Images.Distribution;

/// <summary>
/// How a node reaches registries, from a registries file in the shape of k3s's registries.yaml:
/// <c>mirrors: {REGISTRY: {endpoint: [URL…], rewrite: {REGEX: REPLACEMENT}}}</c> (endpoints tried in
/// order, then the registry itself; "*" is the default for every registry without an entry of its own, for mirrors
/// and configs alike, as in k3s; rewrites change the repository
/// asked of the mirror endpoints, the first that matches, never of the registry itself) and
/// <c>configs: {HOST: {auth: {username, password | auth}, tls: {ca_file, cert_file, key_file,
/// insecure_skip_verify}}}</c>. Registries use HTTPS, except loopback ones without tls settings (plain HTTP,
/// as a local registry serves) and endpoints given as http:// URLs; docker.io is served by
/// registry-1.docker.io.
/// </summary>
public sealed class RegistryHosts
{
    private readonly Dictionary<string, List<Uri>> _mirrors;
    private readonly Dictionary<string, List<(Regex Pattern, string Replacement)>> _rewrites;
    private readonly Dictionary<string, (RegistryCredential? Auth, RegistryTls? Tls)> _configs;

    private RegistryHosts(Dictionary<string, List<Uri>> mirrors, Dictionary<string, List<(Regex, string)>> rewrites,
        Dictionary<string, (RegistryCredential?, RegistryTls?)> configs)
    {
        _mirrors = mirrors;
        _rewrites = rewrites;
        _configs = configs;
    }

    public static RegistryHosts Empty { get; } = new([], [], []);

    /// <summary>Reads the file's content (YAML converted to JSON by the caller). Throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static RegistryHosts FromJson(JsonNode? root)
    {
        if (root is null)
        {
            return Empty;
        }

        if (root is not JsonObject top)
        {
            throw new FormatException("the registries file must be a mapping with mirrors and configs");
        }

        var mirrors = new Dictionary<string, List<Uri>>(StringComparer.OrdinalIgnoreCase);
        var rewrites = new Dictionary<string, List<(Regex, string)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (registry, value) in top["mirrors"] as JsonObject ?? [])
        {
            var endpoints = new List<Uri>();
            foreach (var endpoint in value?["endpoint"] as JsonArray ?? [])
            {
                var text = endpoint?.GetValue<string>() ?? "";
                if (!Uri.TryCreate(text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text, UriKind.Absolute, out var uri)
                    || uri.Scheme is not ("http" or "https"))
                {
                    throw new FormatException($"mirrors.{registry}.endpoint: \"{text}\" is not an http(s) URL");
                }

                endpoints.Add(uri);
            }

            mirrors[registry] = endpoints;
            foreach (var (pattern, replacement) in value?["rewrite"] as JsonObject ?? [])
            {
                Regex regex;
                try
                {
                    regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException e)
                {
                    throw new FormatException($"mirrors.{registry}.rewrite: \"{pattern}\" is not a regular expression: {e.Message}", e);
                }

                rewrites.TryAdd(registry, []);
                // Go's replacement syntax ($1, ${1}, $$) reads the same in .NET.
                rewrites[registry].Add((regex, replacement?.GetValue<string>() ?? ""));
            }
        }

        var configs = new Dictionary<string, (RegistryCredential?, RegistryTls?)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (host, value) in top["configs"] as JsonObject ?? [])
        {
            RegistryCredential? auth = null;
            if (value?["auth"] is JsonObject a)
            {
                var username = a["username"]?.GetValue<string>();
                var password = a["password"]?.GetValue<string>();
                if (a["auth"]?.GetValue<string>() is { Length: > 0 } encoded)
                {
                    var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    (username, password) = colon > 0 ? (decoded[..colon], decoded[(colon + 1)..]) : throw new FormatException($"configs.{host}.auth.auth is not base64 of user:password");
                }

                auth = username is null || password is null ? null : new RegistryCredential(host.ToLowerInvariant(), username, password);
            }

            RegistryTls? tls = null;
            if (value?["tls"] is JsonObject t)
            {
                tls = new RegistryTls(t["ca_file"]?.GetValue<string>(), t["insecure_skip_verify"]?.GetValue<bool>() ?? false)
                {
                    ClientCertificate = ClientCertificate(host, t["cert_file"]?.GetValue<string>(), t["key_file"]?.GetValue<string>()),
                };
                if (tls.CaFile is { } ca && !File.Exists(ca))
                {
                    throw new FormatException($"configs.{host}.tls.ca_file: {ca} does not exist");
                }
            }

            configs[host] = (auth, tls);
        }

        return new RegistryHosts(mirrors, rewrites, configs);
    }

    /// <summary>
    /// The repository to ask <paramref name="endpoint"/> for: the rewrites of the mirror entry the endpoint
    /// came from (the registry's own, else "*"), the first that matches; none for the registry itself.
    /// </summary>
    public string RepositoryAt(string registry, Uri endpoint, string repository)
    {
        var entry = MirrorEntry(registry);
        var isMirror = (_mirrors.GetValueOrDefault(entry) ?? []).Contains(endpoint);
        foreach (var (pattern, replacement) in isMirror ? _rewrites.GetValueOrDefault(entry) ?? [] : [])
        {
            if (pattern.IsMatch(repository))
            {
                return pattern.Replace(repository, replacement, 1);
            }
        }

        return repository;
    }

    /// <summary>A client certificate for mutual TLS: both files, PEM, the key matching the certificate.</summary>
    private static X509Certificate2? ClientCertificate(string host, string? certFile, string? keyFile)
    {
        if (certFile is null && keyFile is null)
        {
            return null;
        }

        if (certFile is null || keyFile is null)
        {
            throw new FormatException($"configs.{host}.tls: cert_file and key_file go together");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new FormatException($"configs.{host}.tls: cannot load the client certificate {certFile} with key {keyFile}: {e.Message}", e);
        }
    }

    /// <summary>Whether the file names this registry (a mirror or a config): then it is pulled, never stood in for.</summary>
    public bool Configures(string registry) => _mirrors.ContainsKey(registry) || _configs.ContainsKey(registry);

    /// <summary>Where to ask for the registry's content, in order: its mirrors, then the registry itself.</summary>
    public IReadOnlyList<Uri> Endpoints(string registry)
    {
        var endpoints = new List<Uri>();
        endpoints.AddRange(_mirrors.GetValueOrDefault(MirrorEntry(registry)) ?? []);
        var host = registry == ImageReference.DockerHub ? "registry-1.docker.io" : registry;
        // A loopback registry speaks plain HTTP unless the file gives it TLS settings of its own.
        var plain = IsLoopback(host) && !(_configs.TryGetValue(host, out var config) && config.Tls is not null);
        endpoints.Add(new Uri((plain ? "http://" : "https://") + host));
        return endpoints;
    }

    public RegistryCredential? CredentialFor(string host) => _configs.TryGetValue(ConfigEntry(host), out var c) ? c.Auth : null;

    public RegistryTls? TlsFor(string host) => _configs.TryGetValue(ConfigEntry(host), out var c) ? c.Tls : null;

    /// <summary>As k3s: the "*" entry is the default for registries without an entry of their own, never added to one.</summary>
    private string MirrorEntry(string registry) => _mirrors.ContainsKey(registry) ? registry : "*";

    private string ConfigEntry(string host) => _configs.ContainsKey(host) ? host : "*";

    internal static bool IsLoopback(string hostAndPort)
    {
        var host = hostAndPort.StartsWith('[') ? hostAndPort[1..hostAndPort.IndexOf(']', StringComparison.Ordinal)]
            : hostAndPort.Contains(':', StringComparison.Ordinal) ? hostAndPort[..hostAndPort.LastIndexOf(':')] : hostAndPort;
        return host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}

/// <summary>A registry's TLS settings: an extra CA to trust, or (for tests only) no verification.</summary>
public sealed record RegistryTls(string? CaFile, bool InsecureSkipVerify)
{
    /// <summary>Presented when the registry asks for one (mutual TLS).</summary>
    public X509Certificate2? ClientCertificate { get; init; }
}
