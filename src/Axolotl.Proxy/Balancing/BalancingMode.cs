namespace Axolotl.Proxy.Balancing;

/// <summary>How a new connection chooses among a Service port's usable endpoints.</summary>
public enum BalancingMode
{
    /// <summary>Each endpoint in turn (per Service port).</summary>
    RoundRobin,

    /// <summary>The endpoint with the fewest open connections from this proxy; ties go round robin.</summary>
    LeastConnections,
}
