namespace Axolotl.Client.LeaderElection;

/// <summary>
/// The object an election is held on (client-go's resourcelock.Interface). Writes are conditional:
/// <see cref="UpdateAsync"/> fails with a conflict unless the stored object is still at the
/// <see cref="LeaderElectionRecord.Version"/> it was read at, so two candidates can never both win.
/// </summary>
public interface IResourceLock
{
    /// <summary>namespace/name, for logs and events.</summary>
    string Describe { get; }

    /// <summary>The stored record, or null when the lock object does not exist.</summary>
    Task<LeaderElectionRecord?> GetAsync(CancellationToken ct);

    /// <summary>Creates the lock object; throws a 409 <see cref="KubeApiException"/> when another candidate made it first.</summary>
    Task<LeaderElectionRecord> CreateAsync(LeaderElectionRecord record, CancellationToken ct);

    /// <summary>Replaces the record if the object is still at <paramref name="record"/>'s version; throws a 409 conflict otherwise.</summary>
    Task<LeaderElectionRecord> UpdateAsync(LeaderElectionRecord record, CancellationToken ct);

    /// <summary>Reports a transition ("became leader", "stopped leading") as an event on the lock object.</summary>
    void RecordEvent(string message);
}
