using System.Net;

namespace Axolotl.Agent.Status;

/// <summary>
/// Hears, in the agent's own process and before the API server does, whether a pod this node runs
/// can take new connections: the node's service proxy uses it to stop sending a pod connections the
/// moment its readiness fails, a crash makes it unready or its deletion starts, instead of after the
/// status write, the EndpointSlice update and the watch (ADR 0003). The API stays the authority: a
/// hint can only hold a pod back, never add one.
/// </summary>
public interface IPodReadinessObserver
{
    /// <summary>The pod at <paramref name="podIp"/> turned ready (true) or not ready (false); told on changes only.</summary>
    void ReadinessChanged(string podUid, IPAddress podIp, bool ready);

    /// <summary>The pod is gone from this node: forget what was told of it.</summary>
    void PodGone(string podUid);
}

/// <summary>An observer that listens to nothing (no proxy in this process).</summary>
public sealed class NoReadinessObserver : IPodReadinessObserver
{
    public static readonly NoReadinessObserver Instance = new();

    public void ReadinessChanged(string podUid, IPAddress podIp, bool ready)
    {
    }

    public void PodGone(string podUid)
    {
    }
}
