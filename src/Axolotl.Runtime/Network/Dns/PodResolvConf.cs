using System.Text;
using Axolotl.Api.Core;

namespace Axolotl.Runtime.Network.Dns;

/// <summary>
/// A pod's /etc/resolv.conf, decided as the kubelet's DNS configurer does (pkg/kubelet/network/dns)
/// and written in containerd's layout (search, nameserver lines, options). Decision order:
/// 1. the base from dnsPolicy: ClusterFirst (or ClusterFirstWithHostNet on the host network) = the
///    cluster DNS, the namespace/svc/cluster search list followed by the node's searches, ndots:5;
///    Default (and ClusterFirst on the host network) = the node's resolv.conf; None = nothing;
/// 2. dnsConfig appended: nameservers and searches added without duplicates, options merged by name
///    with the pod's value winning;
/// 3. trimmed to the resolver's limits: 3 nameservers, 32 search domains, 2048 characters of searches.
/// </summary>
public static class PodResolvConf
{
    public const int MaxNameservers = 3;
    public const int MaxSearches = 32;
    public const int MaxSearchCharacters = 2048;

    public static ResolvConf Decide(string? dnsPolicy, bool hostNetwork, PodDNSConfig? dnsConfig, string podNamespace, string clusterDns, string clusterDomain, ResolvConf node)
    {
        var policy = string.IsNullOrEmpty(dnsPolicy) ? "ClusterFirst" : dnsPolicy;
        var clusterFirst = policy == "ClusterFirstWithHostNet" || (policy == "ClusterFirst" && !hostNetwork);
        var conf = policy switch
        {
            "None" => ResolvConf.Empty,
            _ when clusterFirst => new ResolvConf(
                [clusterDns],
                Distinct([$"{podNamespace}.svc.{clusterDomain}", $"svc.{clusterDomain}", clusterDomain, .. node.Searches]),
                ["ndots:5"]),
            _ => node,
        };
        if (dnsConfig is not null)
        {
            conf = new ResolvConf(
                Distinct([.. conf.Nameservers, .. dnsConfig.Nameservers ?? []]),
                Distinct([.. conf.Searches, .. dnsConfig.Searches ?? []]),
                MergeOptions(conf.Options, dnsConfig.Options ?? []));
        }
        return new ResolvConf([.. conf.Nameservers.Take(MaxNameservers)], FitSearches(conf.Searches), conf.Options);
    }

    /// <summary>containerd's layout: "search a b", one "nameserver X" line each, "options a b:c"; empty parts left out.</summary>
    public static string Format(ResolvConf conf)
    {
        var text = new StringBuilder();
        if (conf.Searches.Count > 0)
        {
            text.Append("search ").Append(string.Join(' ', conf.Searches)).Append('\n');
        }
        foreach (var nameserver in conf.Nameservers)
        {
            text.Append("nameserver ").Append(nameserver).Append('\n');
        }
        if (conf.Options.Count > 0)
        {
            text.Append("options ").Append(string.Join(' ', conf.Options)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Options by name ("ndots:5" is ndots): the base's order, a pod's value replacing the base's, new names after.</summary>
    public static IReadOnlyList<string> MergeOptions(IReadOnlyList<string> existing, IEnumerable<PodDNSConfigOption> pod)
    {
        var merged = new List<(string Name, string? Value)>();
        void Set(string name, string? value)
        {
            var at = merged.FindIndex(o => o.Name == name);
            if (at >= 0)
            {
                merged[at] = (name, value);
            }
            else
            {
                merged.Add((name, value));
            }
        }
        foreach (var option in existing)
        {
            var colon = option.IndexOf(':', StringComparison.Ordinal);
            Set(colon < 0 ? option : option[..colon], colon < 0 ? null : option[(colon + 1)..]);
        }
        foreach (var option in pod)
        {
            Set(option.Name ?? "", option.Value);
        }
        return [.. merged.Select(o => string.IsNullOrEmpty(o.Value) ? o.Name : $"{o.Name}:{o.Value}")];
    }

    /// <summary>The first search domains that fit both limits (the kubelet drops the rest with an event).</summary>
    private static IReadOnlyList<string> FitSearches(IReadOnlyList<string> searches)
    {
        var kept = new List<string>();
        var length = -1;
        foreach (var search in searches.Take(MaxSearches))
        {
            if (length + 1 + search.Length > MaxSearchCharacters)
            {
                break;
            }
            length += 1 + search.Length;
            kept.Add(search);
        }
        return kept;
    }

    private static List<string> Distinct(IEnumerable<string> values) => [.. values.Distinct(StringComparer.Ordinal)];
}
