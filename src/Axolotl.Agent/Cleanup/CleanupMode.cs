namespace Axolotl.Agent.Cleanup;

/// <summary>When a cleanup runs, which decides what it may remove (docs/adr/0015-host-cleanup.md).</summary>
public enum CleanupMode
{
    /// <summary>Before a node agent starts: what belongs to no pod the agent will re-adopt goes; the node's own objects stay.</summary>
    Start,

    /// <summary>After a clean stop: pods survive by design, with what they need; everything else goes.</summary>
    Stop,

    /// <summary>`axolotl reset`: every container is stopped and every host object of the node goes.</summary>
    Reset,
}
