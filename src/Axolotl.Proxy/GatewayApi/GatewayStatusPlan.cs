using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Proxy.GatewayApi.Model;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// Turns a <see cref="GatewayBuild"/> and the bind results into the status each object should have, or null when it
/// already has it. A condition keeps its lastTransitionTime while its status stays; observedGeneration is the
/// object's generation. A listener whose port could not be bound on this node is Accepted=False PortUnavailable and
/// not Programmed. An HTTPRoute's parents of other controllers are kept. Pure.
/// </summary>
public static class GatewayStatusPlan
{
    public static GatewayClassStatus? ForClass(GatewayClassFacts facts, DateTimeOffset now)
    {
        var old = facts.Class.Status;
        var wanted = new GatewayClassStatus
        {
            Conditions = Merge(old?.Conditions, facts.Conditions, facts.Class.Metadata.Generation, now),
            ExtensionData = old?.ExtensionData,
        };
        return Same(old, wanted) ? null : wanted;
    }

    public static GatewayStatus? ForGateway(GatewayFacts facts, Func<int, string?> bindFailure, string address, DateTimeOffset now)
    {
        var gateway = facts.Gateway;
        var generation = gateway.Metadata.Generation;
        var old = gateway.Status;
        var listeners = new List<ListenerStatus>();
        var programmed = 0;
        foreach (var listener in facts.Listeners)
        {
            var accepted = listener.Accepted;
            var valid = facts.Accepted.Status && listener.Valid;
            if (valid && bindFailure(listener.Port) is { } failure)
            {
                accepted = new GatewayCondition("Accepted", false, "PortUnavailable", $"port {listener.Port} cannot be bound on this node: {failure}");
                valid = false;
            }
            var programmedCondition = valid
                ? new GatewayCondition("Programmed", true, "Programmed", "Listener is programmed")
                : new GatewayCondition("Programmed", false, "Invalid", "Listener is not programmed: see its other conditions");
            programmed += valid ? 1 : 0;
            var oldConditions = old?.Listeners?.FirstOrDefault(l => l.Name == listener.Name)?.Conditions;
            listeners.Add(new ListenerStatus
            {
                Name = listener.Name,
                SupportedKinds = listener.SupportedKinds,
                AttachedRoutes = listener.AttachedRoutes,
                Conditions = Merge(oldConditions, [accepted, programmedCondition, listener.ResolvedRefs, listener.Conflicted], generation, now),
            });
        }
        var gatewayProgrammed = facts.Accepted.Status && programmed > 0
            ? new GatewayCondition("Programmed", true, "Programmed", $"{programmed} of {facts.Listeners.Count} listeners are served on {address}")
            : new GatewayCondition("Programmed", false, "Invalid", "no listener is served");
        var wanted = new GatewayStatus
        {
            Addresses = Addresses(old?.Addresses, address, facts.Accepted.Status),
            Conditions = Merge(old?.Conditions, [facts.Accepted, gatewayProgrammed], generation, now),
            Listeners = listeners,
        };
        return Same(old, wanted) ? null : wanted;
    }

    /// <summary>
    /// Each node that serves a Gateway adds its own address and keeps the other nodes' (as the Ingress controller does
    /// with status.loadBalancer), so two nodes never overwrite each other's; a node no longer serving removes its own.
    /// </summary>
    private static List<GatewayAddress>? Addresses(List<GatewayAddress>? old, string address, bool served)
    {
        var others = (old ?? []).Where(a => a.Value != address).Select(a => new GatewayAddress { Type = a.Type, Value = a.Value });
        List<GatewayAddress> all = [.. (served ? others.Append(new GatewayAddress { Type = "IPAddress", Value = address }) : others).OrderBy(a => a.Value, StringComparer.Ordinal)];
        return all.Count == 0 ? null : all;
    }

    /// <summary>The route's status with this controller's parents replaced by <paramref name="facts"/> (null facts: none of ours).</summary>
    public static HTTPRouteStatus? ForRoute(HTTPRoute route, RouteFacts? facts, string controllerName, DateTimeOffset now)
    {
        var old = route.Status;
        var parents = (old?.Parents ?? []).Where(p => p.ControllerName != controllerName).ToList();
        foreach (var parent in facts?.Parents ?? [])
        {
            var previous = old?.Parents?.FirstOrDefault(p => p.ControllerName == controllerName && SameRef(p.ParentRef, parent.ParentRef));
            parents.Add(new RouteParentStatus
            {
                ParentRef = parent.ParentRef,
                ControllerName = controllerName,
                Conditions = Merge(previous?.Conditions, parent.Conditions, route.Metadata.Generation, now),
            });
        }
        var wanted = new HTTPRouteStatus { Parents = parents, ExtensionData = old?.ExtensionData };
        return Same(old ?? new HTTPRouteStatus { Parents = [] }, wanted) ? null : wanted;
    }

    public static List<Condition> Merge(List<Condition>? old, IEnumerable<GatewayCondition> wanted, long? generation, DateTimeOffset now) =>
        [.. wanted.Select(w =>
        {
            var status = w.Status ? "True" : "False";
            var previous = old?.FirstOrDefault(c => c.Type == w.Type);
            return new Condition
            {
                Type = w.Type,
                Status = status,
                Reason = w.Reason,
                Message = w.Message,
                ObservedGeneration = generation,
                LastTransitionTime = previous is not null && previous.Status == status && previous.LastTransitionTime is { } kept ? kept : Second(now),
            };
        })];

    private static bool SameRef(ParentReference a, ParentReference b) =>
        a.Group == b.Group && a.Kind == b.Kind && a.Namespace == b.Namespace && a.Name == b.Name && a.SectionName == b.SectionName && a.Port == b.Port;

    /// <summary>Times in status are whole seconds (RFC 3339 as the API server stores them), so a re-read compares equal.</summary>
    private static DateTimeOffset Second(DateTimeOffset now) => new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static bool Same<T>(T? old, T wanted) =>
        old is not null && JsonSerializer.Serialize(old, KubeJson.Options) == JsonSerializer.Serialize(wanted, KubeJson.Options);

}
