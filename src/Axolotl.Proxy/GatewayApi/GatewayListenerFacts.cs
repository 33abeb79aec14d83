using System.Security.Cryptography.X509Certificates;
using Axolotl.Proxy.GatewayApi.Model;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>What the builder found out about one listener: its conditions (all but Programmed, which depends on the bind), kinds and routes.</summary>
public sealed class GatewayListenerFacts(Listener listener)
{
    public Listener Listener { get; } = listener;

    public string Name => Listener.Name;

    public int Port => Listener.Port;

    public bool Tls => Listener.Protocol == "HTTPS";

    public GatewayCondition Accepted { get; set; } = new("Accepted", true, "Accepted", "Listener is accepted");

    public GatewayCondition ResolvedRefs { get; set; } = new("ResolvedRefs", true, "ResolvedRefs", "All references are resolved");

    public GatewayCondition Conflicted { get; set; } = new("Conflicted", false, "NoConflicts", "No conflicts");

    public List<RouteGroupKind> SupportedKinds { get; } = [];

    public X509Certificate2? Certificate { get; set; }

    public int AttachedRoutes { get; set; }

    /// <summary>Whether the listener serves: accepted, references resolved (or only some route kinds invalid), no conflict.</summary>
    public bool Valid => Accepted.Status && !Conflicted.Status && SupportedKinds.Count > 0 && (ResolvedRefs.Status || ResolvedRefs.Reason == "InvalidRouteKinds");
}
