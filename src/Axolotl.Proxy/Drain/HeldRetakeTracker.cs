namespace Axolotl.Proxy.Drain;

/// <summary>
/// When the next take of the ports not held is due (ADR 0030, issue 36): fast while a released port waits for its
/// replacement's listener, once a second otherwise (<see cref="HeldRetakeSchedule"/>). Pure: the caller says what happened
/// and when (a timestamp of its clock), and serializes the calls.
/// </summary>
public sealed class HeldRetakeTracker(HeldRetakeSchedule schedule)
{
    // Each released port not held again yet, with when it was released.
    private readonly Dictionary<HeldPort, TimeSpan> _released = [];
    private TimeSpan _next = schedule.First;

    /// <summary>Released ports waiting for their replacement's listener (diagnostics).</summary>
    public int Waiting => _released.Count;

    /// <summary>The port's duplicate was released at <paramref name="now"/>: its replacement's listener is looked for fast from now on.</summary>
    public void Released(HeldPort port, TimeSpan now)
    {
        _released[port] = now;
        _next = schedule.First;
    }

    /// <summary>
    /// A pass ended at <paramref name="now"/>: the released ports held again (with how long after their release), and the
    /// wait before the next pass; null when every desired port is held (the next pass waits for a change).
    /// </summary>
    public (IReadOnlyList<(HeldPort Port, TimeSpan After)> Retaken, TimeSpan? Next) Passed(TimeSpan now, IReadOnlySet<HeldPort> desired, Func<HeldPort, bool> isHeld)
    {
        var retaken = new List<(HeldPort, TimeSpan)>();
        foreach (var (port, released) in _released.ToList())
        {
            if (isHeld(port))
            {
                retaken.Add((port, now - released));
                _released.Remove(port);
            }
            else if (!desired.Contains(port) || now - released >= schedule.Window)
            {
                // Gone from the Service, or a replacement that does not listen soon: the slow retries go on.
                _released.Remove(port);
            }
        }
        if (!desired.Any(p => !isHeld(p)))
        {
            return (retaken, null);
        }
        if (_released.Count == 0)
        {
            return (retaken, schedule.Idle);
        }
        var next = _next;
        _next = next * 2 < schedule.FastCap ? next * 2 : schedule.FastCap;
        return (retaken, next);
    }
}
