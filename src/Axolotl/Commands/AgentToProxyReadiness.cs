using System.Net;
using Axolotl.Agent.Status;
using Axolotl.Proxy.Balancing;

namespace Axolotl.Commands;

/// <summary>Carries the agent's readiness changes to the service proxy of the same process (ADR 0003); agent and proxy know nothing of each other.</summary>
public sealed class AgentToProxyReadiness(LocalPodReadiness board) : IPodReadinessObserver
{
    public LocalPodReadiness Board { get; } = board;

    public void ReadinessChanged(string podUid, IPAddress podIp, bool ready) => Board.Report(podUid, podIp, ready);

    public void PodGone(string podUid) => Board.Forget(podUid);
}
