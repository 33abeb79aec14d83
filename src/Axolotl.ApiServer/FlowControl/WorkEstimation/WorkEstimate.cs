namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>
/// What a request is expected to cost, as upstream's WorkEstimate: the seats it occupies while it executes, and the
/// seats it keeps for <see cref="AdditionalLatency"/> after it finished (the watch events it caused still being sent).
/// A request holds <see cref="MaxSeats"/> from dispatch until its final phase ends.
/// </summary>
public readonly record struct WorkEstimate(int InitialSeats, int FinalSeats = 0, TimeSpan AdditionalLatency = default)
{
    public int MaxSeats => Math.Max(InitialSeats, FinalSeats);
}
