using Axolotl.Client.LeaderElection;

namespace Axolotl.Client.Tests.LeaderElection;

/// <summary>One candidate's view of the <see cref="FakeLockStore"/>.</summary>
internal sealed class FakeLock(FakeLockStore store, string identity) : IResourceLock
{
    public string Describe => "kube-system/lock";

    public Task<LeaderElectionRecord?> GetAsync(CancellationToken ct) => Task.FromResult(store.Get());

    public Task<LeaderElectionRecord> CreateAsync(LeaderElectionRecord record, CancellationToken ct) => Task.FromResult(store.Create(record));

    public Task<LeaderElectionRecord> UpdateAsync(LeaderElectionRecord record, CancellationToken ct) => Task.FromResult(store.Update(record));

    public void RecordEvent(string message) => store.Events.Add($"{identity} {message}");
}
