namespace Axolotl.Bench.Scenarios.NodeJoin;

/// <summary>
/// What the API showed of one node's join, as Stopwatch timestamps of the watch events' arrival (0:
/// not seen): its kubelet client CSR created and issued (only once agents bootstrap with a CSR), its
/// Node created, and the first event showing the Node Ready.
/// </summary>
internal sealed class JoinStamps
{
    private long _csrCreated;
    private long _csrIssued;
    private long _nodeCreated;

    public long CsrCreated => Volatile.Read(ref _csrCreated);
    public long CsrIssued => Volatile.Read(ref _csrIssued);
    public long NodeCreated => Volatile.Read(ref _nodeCreated);

    public TaskCompletionSource<long> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void SawCsr(long at) => Interlocked.CompareExchange(ref _csrCreated, at, 0);

    public void SawCsrIssued(long at) => Interlocked.CompareExchange(ref _csrIssued, at, 0);

    public void SawNode(long at) => Interlocked.CompareExchange(ref _nodeCreated, at, 0);
}
