namespace Axolotl.Storage.Etcd;

/// <summary>
/// Maps the API server's store keys ("/pods/ns/name", "/apps/deployments/ns/name") onto the key layout
/// kube-apiserver writes in etcd, so that etcdctl and tools made for Kubernetes find objects where they
/// expect them: "/registry/pods/ns/name", "/registry/deployments/ns/name". Built-in groups drop the group
/// (upstream's storage factory keys by resource only), a few resources keep their historical names
/// (services/specs, services/endpoints, minions, controllers, ingress), and any other group (custom resources,
/// apiextensions, apiregistration) is "/registry/&lt;group&gt;/&lt;resource&gt;".
/// </summary>
internal sealed class RegistryKeyLayout
{
    /// <summary>Groups whose resources upstream stores under the resource name alone.</summary>
    private static readonly HashSet<string> BuiltInGroups =
    [
        "apps", "batch", "policy", "autoscaling", "extensions",
        "networking.k8s.io", "discovery.k8s.io", "coordination.k8s.io", "certificates.k8s.io",
        "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "node.k8s.io",
        "admissionregistration.k8s.io", "flowcontrol.apiserver.k8s.io", "events.k8s.io", "resource.k8s.io",
        "internal.apiserver.k8s.io", "storagemigration.k8s.io",
    ];

    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["services"] = "services/specs",
        ["endpoints"] = "services/endpoints",
        ["nodes"] = "minions",
        ["replicationcontrollers"] = "controllers",
        ["networking.k8s.io/ingresses"] = "ingress",
        ["extensions/ingresses"] = "ingress",
    };

    private readonly string _root;
    private readonly Dictionary<string, string> _storeResourceByEtcd = new(StringComparer.Ordinal);

    /// <param name="root">The etcd prefix without a trailing slash, e.g. "/registry".</param>
    /// <param name="knownStorageResources">The store's resource paths ("pods", "apps/deployments"), used only to map
    /// etcd keys back when a watch or list spans several resources.</param>
    public RegistryKeyLayout(string root, IEnumerable<string> knownStorageResources)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!root.StartsWith('/') || root.EndsWith('/'))
        {
            throw new ArgumentException($"etcd key prefix \"{root}\" must start with '/' and not end with one", nameof(root));
        }

        _root = root;
        foreach (var resource in knownStorageResources)
        {
            _storeResourceByEtcd.TryAdd(EtcdResource(resource), resource);
        }
    }

    /// <summary>"/registry/": every key this layout writes is under it.</summary>
    public string Root => _root + "/";

    /// <summary>The etcd key for a store key.</summary>
    public string ToEtcd(string key)
    {
        var (resource, rest) = Split(key);
        return resource is null ? _root + key : $"{_root}/{EtcdResource(resource)}{rest}";
    }

    /// <summary>
    /// The etcd prefix that holds exactly the store keys under <paramref name="prefix"/>, when the prefix names a
    /// whole resource ("/pods/", "/apps/deployments/ns/"); null for a prefix that spans resources ("/", "/apps/").
    /// </summary>
    public string? PrefixToEtcd(string prefix)
    {
        var (resource, rest) = Split(prefix);
        return resource is null || rest.Length == 0 ? null : $"{_root}/{EtcdResource(resource)}{rest}";
    }

    /// <summary>Maps an etcd key back to a store key without knowing which prefix it was read under.</summary>
    public string? FromEtcd(string etcdKey)
    {
        if (!etcdKey.StartsWith(Root, StringComparison.Ordinal))
        {
            return null;
        }

        var path = etcdKey[Root.Length..];
        // Longest match first: "services/specs" before a hypothetical "services".
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var second = slash < 0 ? -1 : path.IndexOf('/', slash + 1);
        if (second > 0 && _storeResourceByEtcd.TryGetValue(path[..second], out var two))
        {
            return $"/{two}{path[second..]}";
        }

        if (slash > 0 && _storeResourceByEtcd.TryGetValue(path[..slash], out var one))
        {
            return $"/{one}{path[slash..]}";
        }

        return "/" + path;
    }

    internal static string EtcdResource(string storageResource)
    {
        if (Renamed.TryGetValue(storageResource, out var renamed))
        {
            return renamed;
        }

        var slash = storageResource.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && BuiltInGroups.Contains(storageResource[..slash]) ? storageResource[(slash + 1)..] : storageResource;
    }

    /// <summary>
    /// Splits "/apps/deployments/ns/x" into ("apps/deployments", "/ns/x") and "/pods/ns/x" into ("pods", "/ns/x").
    /// The resource is null when the key does not yet reach past it (e.g. "/", "/po", "/apps/").
    /// </summary>
    private static (string? Resource, string Remainder) Split(string key)
    {
        if (!key.StartsWith('/'))
        {
            throw new ArgumentException($"store key \"{key}\" must start with '/'", nameof(key));
        }

        var first = key.IndexOf('/', 1);
        if (first < 0)
        {
            return (null, "");
        }

        var segment = key[1..first];
        if (segment.Length == 0)
        {
            return (null, "");
        }

        // A group is a DNS subdomain (has a dot) or one of the old dot-less built-in groups.
        if (segment.Contains('.', StringComparison.Ordinal) || BuiltInGroups.Contains(segment))
        {
            var second = key.IndexOf('/', first + 1);
            return second < 0 || second == first + 1 ? (null, "") : (key[1..second], key[second..]);
        }

        return (segment, key[first..]);
    }
}
