namespace Axolotl.Agent.Probes;

/// <summary>
/// Holds back flapping as the kubelet's worker does: a result is published only once it has been seen
/// <c>successThreshold</c> (or <c>failureThreshold</c>) times in a row. Not thread-safe: one worker owns it.
/// </summary>
internal sealed class ProbeResultRun
{
    private bool? _last;
    private int _run;

    /// <summary>Counts one result; returns it when the run has reached its threshold (publish), else null.</summary>
    public bool? Observe(bool success, int successThreshold, int failureThreshold)
    {
        if (_last == success)
        {
            _run++;
        }
        else
        {
            _last = success;
            _run = 1;
        }
        var threshold = success ? successThreshold : failureThreshold;
        return _run >= threshold ? success : null;
    }

    /// <summary>Starts counting afresh (after a failure that kills the container).</summary>
    public void Reset()
    {
        _last = null;
        _run = 0;
    }
}
