using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.NodeJoin;

/// <summary>The series of one runtime's joins: the total and each phase that was seen, all from the spawn unless named otherwise.</summary>
internal sealed class JoinPhases(string runtime)
{
    private readonly LatencySamples _total = new($"{runtime} runtime: agent spawned → Node Ready (watch event)");
    private readonly LatencySamples _firstLine = new($"{runtime}: spawned → first line of output (the agent's \"starting\" log: process start)");
    private readonly LatencySamples _csrCreated = new($"{runtime}: spawned → kubelet client CSR created");
    private readonly LatencySamples _csrIssued = new($"{runtime}: spawned → CSR certificate issued");
    private readonly LatencySamples _nodeCreated = new($"{runtime}: spawned → Node created");
    private readonly LatencySamples _createdToReady = new($"{runtime}: Node created → Node Ready");
    private readonly LatencySamples _joinedLine = new($"{runtime}: spawned → the agent's \"joined\" line");
    private readonly LatencySamples _agentCpu = new($"{runtime}: agent CPU time used by Ready");

    public void Add(JoiningAgent agent, JoinStamps stamps, long ready, double agentCpuMilliseconds)
    {
        _total.Add(agent.Spawned, ready);
        AddIfSeen(_firstLine, agent.Spawned, agent.FirstLine);
        AddIfSeen(_csrCreated, agent.Spawned, stamps.CsrCreated);
        AddIfSeen(_csrIssued, agent.Spawned, stamps.CsrIssued);
        AddIfSeen(_nodeCreated, agent.Spawned, stamps.NodeCreated);
        AddIfSeen(_createdToReady, stamps.NodeCreated, stamps.NodeCreated == 0 ? 0 : ready);
        AddIfSeen(_joinedLine, agent.Spawned, agent.JoinedLine);
        _agentCpu.AddMilliseconds(agentCpuMilliseconds);
    }

    private static void AddIfSeen(LatencySamples samples, long from, long to)
    {
        if (from != 0 && to != 0)
        {
            samples.Add(from, to);
        }
    }

    /// <param name="serverCpu">Started before the first measured join; it also counts each join's clean-up (Node and Lease deleted).</param>
    public void AddTo(ScenarioReport report, int joins, CpuMeter serverCpu)
    {
        report.Add(_total, $"{joins} joins one after another, a fresh node each; no polling: the arrival of the Node watch event; server CPU per join, its clean-up included", serverCpu);
        foreach (var phase in new[] { _firstLine, _csrCreated, _csrIssued, _nodeCreated, _createdToReady, _joinedLine })
        {
            if (phase.Count > 0)
            {
                report.Add(phase);
            }
        }
        report.Add(_agentCpu, "user + system of the agent process, all threads, read when its Node was Ready");
    }
}
