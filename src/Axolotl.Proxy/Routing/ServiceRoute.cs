namespace Axolotl.Proxy.Routing;

/// <summary>
/// One Service port and where its traffic may go. <see cref="ClusterEndpoints"/> serve the cluster IP
/// and <see cref="ExternalEndpoints"/> node ports and load balancer IPs: the ready endpoints (only
/// this node's under a Local traffic policy), or, when none is ready, the ones still serving while
/// they terminate, as kube-proxy does, so a Service being scaled to zero or recreated drains gently.
/// </summary>
public sealed class ServiceRoute
{
    public ServiceRoute(ServicePortName name, IReadOnlyList<RouteEndpoint> endpoints, string nodeName, bool internalLocal, bool externalLocal, bool replayUnanswered = true,
        TimeSpan? affinityTimeout = null)
    {
        Name = name;
        ReplayUnanswered = replayUnanswered;
        AffinityTimeout = affinityTimeout;
        ExternalLocal = externalLocal;
        All = endpoints;
        ClusterEndpoints = Usable(endpoints, internalLocal ? nodeName : null);
        ExternalEndpoints = Usable(endpoints, externalLocal ? nodeName : null);
    }

    public ServicePortName Name { get; }

    /// <summary>Whether a connection whose endpoint fails before answering moves to another endpoint (see ReplayUnansweredAnnotation).</summary>
    public bool ReplayUnanswered { get; }

    /// <summary>
    /// sessionAffinity ClientIP: how long after a client's last new connection (or UDP flow) its next one
    /// goes to the same endpoint, while that endpoint is still usable; null for sessionAffinity None.
    /// </summary>
    public TimeSpan? AffinityTimeout { get; }

    /// <summary>externalTrafficPolicy Local: node ports and load balancer IPs go to this node's endpoints only, keeping the client's address.</summary>
    public bool ExternalLocal { get; }

    /// <summary>Every endpoint the slices list for this port, ready or not.</summary>
    public IReadOnlyList<RouteEndpoint> All { get; }

    public IReadOnlyList<RouteEndpoint> ClusterEndpoints { get; }

    public IReadOnlyList<RouteEndpoint> ExternalEndpoints { get; }

    public IReadOnlyList<RouteEndpoint> For(FrontendTarget target) => target.IsExternal ? ExternalEndpoints : ClusterEndpoints;

    private static RouteEndpoint[] Usable(IReadOnlyList<RouteEndpoint> endpoints, string? onlyNode)
    {
        var local = onlyNode is null ? endpoints : endpoints.Where(e => e.NodeName == onlyNode).ToList();
        var ready = local.Where(e => e.Ready).ToArray();
        return ready.Length > 0 ? ready : local.Where(e => e.Serving && e.Terminating).ToArray();
    }
}
