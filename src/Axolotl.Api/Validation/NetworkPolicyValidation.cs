using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Core;
using Axolotl.Api.Networking;

namespace Axolotl.Api.Validation;

/// <summary>networking.k8s.io/v1 NetworkPolicies, with upstream's rules and messages (pkg/apis/networking/validation, v1.32).</summary>
public static class NetworkPolicyValidation
{
    private static readonly FieldPath Metadata = FieldPath.Of("metadata");
    private static readonly string[] Protocols = ["TCP", "UDP", "SCTP"];
    private static readonly string[] PolicyTypes = ["Ingress", "Egress"];

    public static List<FieldError> Validate(NetworkPolicy policy, NetworkPolicy? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(policy.Metadata, old.Metadata, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(policy.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata));
        errors.AddRange(ValidateSpec(policy.Spec ?? new NetworkPolicySpec(), FieldPath.Of("spec")));
        return errors;
    }

    public static List<FieldError> ValidateSpec(NetworkPolicySpec spec, FieldPath path)
    {
        var errors = MetadataValidation.ValidateLabelSelector(spec.PodSelector ?? new LabelSelector(), path.Child("podSelector"));
        for (var i = 0; i < (spec.Ingress?.Count ?? 0); i++)
        {
            var rulePath = path.Child("ingress").Index(i);
            var rule = spec.Ingress![i];
            errors.AddRange(Ports(rule.Ports, rulePath));
            errors.AddRange(Peers(rule.From, rulePath.Child("from")));
        }
        for (var i = 0; i < (spec.Egress?.Count ?? 0); i++)
        {
            var rulePath = path.Child("egress").Index(i);
            var rule = spec.Egress![i];
            errors.AddRange(Ports(rule.Ports, rulePath));
            errors.AddRange(Peers(rule.To, rulePath.Child("to")));
        }
        var types = spec.PolicyTypes ?? [];
        if (types.Count > PolicyTypes.Length)
        {
            errors.Add(FieldError.Invalid(path.Child("policyTypes"), types, "may not specify more than two policyTypes"));
            return errors;
        }
        for (var i = 0; i < types.Count; i++)
        {
            if (!PolicyTypes.Contains(types[i], StringComparer.Ordinal))
            {
                errors.Add(FieldError.NotSupported(path.Child("policyTypes").Index(i), types[i], PolicyTypes));
            }
        }
        return errors;
    }

    private static IEnumerable<FieldError> Ports(List<NetworkPolicyPort>? ports, FieldPath rulePath)
    {
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            foreach (var error in Port(ports![i], rulePath.Child("ports").Index(i)))
            {
                yield return error;
            }
        }
    }

    public static List<FieldError> Port(NetworkPolicyPort port, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (port.Protocol is { } protocol && !Protocols.Contains(protocol, StringComparer.Ordinal))
        {
            errors.Add(FieldError.NotSupported(path.Child("protocol"), protocol, Protocols));
        }
        if (port.Port is not { } value)
        {
            if (port.EndPort is { } orphan)
            {
                errors.Add(FieldError.Invalid(path.Child("endPort"), orphan, "may not be specified when `port` is not specified"));
            }
            return errors;
        }
        if (value.IsInt)
        {
            errors.AddRange(NameRules.PortNumber(value.IntValue).Select(m => FieldError.Invalid(path.Child("port"), value.IntValue, m)));
            if (port.EndPort is { } end)
            {
                // Upstream shows the port, not the endPort, as the value of this error.
                if (end < value.IntValue)
                {
                    errors.Add(FieldError.Invalid(path.Child("endPort"), value.IntValue, "must be greater than or equal to `port`"));
                }
                errors.AddRange(NameRules.PortNumber(end).Select(m => FieldError.Invalid(path.Child("endPort"), end, m)));
            }
            return errors;
        }
        if (port.EndPort is { } named)
        {
            errors.Add(FieldError.Invalid(path.Child("endPort"), named, "may not be specified when `port` is non-numeric"));
        }
        errors.AddRange(NameRules.PortName(value.StringValue).Select(m => FieldError.Invalid(path.Child("port"), value.StringValue, m)));
        return errors;
    }

    private static IEnumerable<FieldError> Peers(List<NetworkPolicyPeer>? peers, FieldPath path)
    {
        for (var i = 0; i < (peers?.Count ?? 0); i++)
        {
            foreach (var error in Peer(peers![i], path.Index(i)))
            {
                yield return error;
            }
        }
    }

    public static List<FieldError> Peer(NetworkPolicyPeer peer, FieldPath path)
    {
        var errors = new List<FieldError>();
        var count = 0;
        if (peer.PodSelector is { } pods)
        {
            count++;
            errors.AddRange(MetadataValidation.ValidateLabelSelector(pods, path.Child("podSelector")));
        }
        if (peer.NamespaceSelector is { } namespaces)
        {
            count++;
            errors.AddRange(MetadataValidation.ValidateLabelSelector(namespaces, path.Child("namespaceSelector")));
        }
        if (peer.IpBlock is { } block)
        {
            count++;
            errors.AddRange(IpBlock(block, path.Child("ipBlock")));
        }
        if (count == 0)
        {
            errors.Add(FieldError.Required(path, "must specify a peer"));
        }
        else if (count > 1 && peer.IpBlock is not null)
        {
            errors.Add(FieldError.Forbidden(path, "may not specify both ipBlock and another peer"));
        }
        return errors;
    }

    public static List<FieldError> IpBlock(IPBlock block, FieldPath path)
    {
        if (block.Cidr.Length == 0)
        {
            return [FieldError.Required(path.Child("cidr"))];
        }
        if (!TryParseCidr(block.Cidr, out var cidr))
        {
            return [FieldError.Invalid(path.Child("cidr"), block.Cidr, "not a valid CIDR")];
        }
        var errors = new List<FieldError>();
        for (var i = 0; i < (block.Except?.Count ?? 0); i++)
        {
            var text = block.Except![i];
            var exceptPath = path.Child("except").Index(i);
            if (!TryParseCidr(text, out var except))
            {
                // Upstream stops at the first unparsable except.
                errors.Add(FieldError.Invalid(exceptPath, text, "not a valid CIDR"));
                return errors;
            }
            if (!cidr.Contains(except.BaseAddress) || cidr.PrefixLength >= except.PrefixLength)
            {
                errors.Add(FieldError.Invalid(exceptPath, text, "must be a strict subset of `cidr`"));
            }
        }
        return errors;
    }

    /// <summary>Go's net.ParseCIDR: an address with a prefix length; host bits may be set (they are masked off).</summary>
    public static bool TryParseCidr(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address) ||
            text.AsSpan(0, slash).Contains('%') ||
            !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        // IPAddress.TryParse accepts "1.2.3" and other short forms Go refuses.
        if (prefix > bits || (bits == 32 && text[..slash].Count(c => c == '.') != 3))
        {
            return false;
        }
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        network = new IPNetwork(new IPAddress(bytes), prefix);
        return true;
    }
}
