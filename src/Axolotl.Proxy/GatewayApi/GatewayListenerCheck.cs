using Axolotl.Proxy.GatewayApi.Model;
using Axolotl.Proxy.Ingress;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// Checks one listener on its own (conflicts between listeners are the builder's): HTTP or HTTPS only
/// (UnsupportedProtocol), TLS terminated with exactly one certificate from a Secret the Gateway may read
/// (InvalidCertificateRef, RefNotPermitted without a ReferenceGrant), route kinds HTTPRoute only
/// (InvalidRouteKinds), and no field this controller does not serve (UnsupportedValue). Pure.
/// </summary>
public static class GatewayListenerCheck
{
    public static GatewayListenerFacts Check(Gateway gateway, Listener listener, GrantedReferences grants, Func<string, string, TlsSecretResult> tlsSecrets)
    {
        var facts = new GatewayListenerFacts(listener);
        var ns = gateway.Metadata.Namespace ?? "default";
        if (listener.ExtensionData is { Count: > 0 } unknown)
        {
            facts.Accepted = Refused("UnsupportedValue", $"listener field {string.Join(", ", unknown.Keys)} is not supported by {GatewayOptions.DefaultControllerName}");
            return facts;
        }
        if (listener.Protocol is not ("HTTP" or "HTTPS"))
        {
            facts.Accepted = Refused("UnsupportedProtocol", $"protocol {listener.Protocol} is not supported: HTTP and HTTPS are");
            return facts;
        }
        Kinds(listener, facts);
        if (listener.Protocol == "HTTP")
        {
            if (listener.Tls is not null)
            {
                facts.Accepted = Refused("UnsupportedValue", "tls is only valid on an HTTPS listener");
            }
            return facts;
        }
        Certificate(listener, ns, grants, tlsSecrets, facts);
        return facts;
    }

    private static void Kinds(Listener listener, GatewayListenerFacts facts)
    {
        var wanted = listener.AllowedRoutes?.Kinds;
        if (wanted is not { Count: > 0 })
        {
            facts.SupportedKinds.Add(new RouteGroupKind { Group = GatewayResources.Group, Kind = "HTTPRoute" });
            return;
        }
        var invalid = new List<string>();
        foreach (var kind in wanted)
        {
            if ((kind.Group ?? GatewayResources.Group) == GatewayResources.Group && kind.Kind == "HTTPRoute")
            {
                facts.SupportedKinds.Add(new RouteGroupKind { Group = GatewayResources.Group, Kind = "HTTPRoute" });
            }
            else
            {
                invalid.Add($"{kind.Group}/{kind.Kind}");
            }
        }
        if (invalid.Count > 0)
        {
            facts.ResolvedRefs = new GatewayCondition("ResolvedRefs", false, "InvalidRouteKinds", $"route kinds {string.Join(", ", invalid)} are not supported on {listener.Protocol}: HTTPRoute is");
        }
    }

    private static void Certificate(Listener listener, string ns, GrantedReferences grants, Func<string, string, TlsSecretResult> tlsSecrets, GatewayListenerFacts facts)
    {
        var tls = listener.Tls;
        if (tls?.ExtensionData is { Count: > 0 } unknown)
        {
            facts.Accepted = Refused("UnsupportedValue", $"tls field {string.Join(", ", unknown.Keys)} is not supported");
            return;
        }
        if ((tls?.Mode ?? "Terminate") != "Terminate")
        {
            facts.Accepted = Refused("UnsupportedValue", $"tls mode {tls!.Mode} is not supported on HTTPS: Terminate is");
            return;
        }
        if (tls?.Options is { Count: > 0 } options)
        {
            facts.Accepted = Refused("UnsupportedValue", $"tls options {string.Join(", ", options.Keys)} are not supported");
            return;
        }
        var refs = tls?.CertificateRefs ?? [];
        if (refs.Count != 1)
        {
            facts.ResolvedRefs = Unresolved("InvalidCertificateRef", refs.Count == 0 ? "an HTTPS listener needs a certificateRef" : "only one certificateRef per listener is supported");
            return;
        }
        var reference = refs[0];
        if ((reference.Group ?? "") != "" || (reference.Kind ?? "Secret") != "Secret")
        {
            facts.ResolvedRefs = Unresolved("InvalidCertificateRef", $"certificateRef {reference.Group}/{reference.Kind} {reference.Name} is not a core Secret");
            return;
        }
        var secretNs = reference.Namespace ?? ns;
        if (!grants.Allows(GatewayResources.Group, "Gateway", ns, "", "Secret", secretNs, reference.Name))
        {
            facts.ResolvedRefs = Unresolved("RefNotPermitted", $"Secret {secretNs}/{reference.Name} is in another namespace and no ReferenceGrant there allows this Gateway to use it");
            return;
        }
        var result = tlsSecrets(secretNs, reference.Name);
        if (result.Certificate is null)
        {
            facts.ResolvedRefs = Unresolved("InvalidCertificateRef", result.Problem ?? $"Secret {secretNs}/{reference.Name} holds no certificate");
            return;
        }
        facts.Certificate = result.Certificate;
    }

    private static GatewayCondition Refused(string reason, string message) => new("Accepted", false, reason, message);

    private static GatewayCondition Unresolved(string reason, string message) => new("ResolvedRefs", false, reason, message);
}
