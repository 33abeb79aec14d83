namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>A resource's object count as <see cref="ObjectCountTracker"/> has it, and whether it can be trusted.</summary>
public readonly record struct ObjectCount(long Count, ObjectCountState State);

public enum ObjectCountState
{
    Fresh,

    /// <summary>Not renewed for <see cref="ObjectCountTracker.StaleAfter"/>: the store may be struggling.</summary>
    Stale,

    /// <summary>Never counted, or pruned: served by another server, or not counted yet.</summary>
    NotFound,
}
