namespace Axolotl.Bench.Scenarios.Peers;

/// <summary>
/// What managing <see cref="Processes"/> processes costs a tool, in kB: its own process(es) idle and
/// loaded, and the per-process wrappers it adds (runsv; Axolotl's container processes), the managed
/// processes themselves never counted. <see cref="Counted"/> says what exactly was summed.
/// </summary>
internal sealed record PeerMemory(int Processes, long IdlePssKb, long IdleRssKb, long LoadedPssKb, long LoadedRssKb,
    long WrapperPssKb, long WrapperRssKb, string Counted)
{
    public double PerProcessPssKb => (LoadedPssKb - IdlePssKb + WrapperPssKb) / (double)Processes;

    public double PerProcessRssKb => (LoadedRssKb - IdleRssKb + WrapperRssKb) / (double)Processes;
}
