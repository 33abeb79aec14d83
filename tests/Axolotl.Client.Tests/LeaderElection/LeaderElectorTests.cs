using Axolotl.Client.LeaderElection;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Client.Tests.LeaderElection;

public class LeaderElectorTests
{
    private static readonly TimeSpan Retry = LeaderElectionConfig.DefaultRetryPeriod;

    private readonly FakeTimeProvider _clock = new();
    private readonly FakeLockStore _store = new();

    private LeaderElector Candidate(string identity, Func<string, CancellationToken, Task<bool>>? holderStopped = null) => new(
        new LeaderElectionConfig { Lock = new FakeLock(_store, identity), Identity = identity, Jitter = () => 0, HolderStopped = holderStopped },
        _clock, NullLogger.Instance);

    [Fact]
    public async Task The_first_candidate_creates_the_lease_and_holds_it()
    {
        var a = Candidate("a");

        Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));

        var record = _store.Record!;
        Assert.Equal("a", record.HolderIdentity);
        Assert.Equal(15, record.LeaseDurationSeconds);
        Assert.Equal(_clock.GetUtcNow(), record.AcquireTime);
        Assert.Equal(_clock.GetUtcNow(), record.RenewTime);
        Assert.Equal(0, record.LeaseTransitions);
        Assert.True(a.IsLeader);
    }

    [Fact]
    public async Task A_renewal_moves_renewTime_and_keeps_acquireTime_and_transitions()
    {
        var a = Candidate("a");
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        var acquired = _store.Record!.AcquireTime;

        _clock.Advance(Retry);
        Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));

        Assert.Equal(acquired, _store.Record!.AcquireTime);
        Assert.Equal(_clock.GetUtcNow(), _store.Record.RenewTime);
        Assert.Equal(0, _store.Record.LeaseTransitions);
        Assert.Equal(2, _store.Writes);
    }

    [Fact]
    public async Task Another_candidate_cannot_take_a_live_lease_but_takes_it_once_it_went_unrenewed_for_the_lease_duration()
    {
        var a = Candidate("a");
        var b = Candidate("b");
        await a.TryAcquireOrRenewAsync(CancellationToken.None);

        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("a", b.Leader);

        // b measures the lease from when it saw it change, with its own clock: 14 s later it is still a's.
        _clock.Advance(TimeSpan.FromSeconds(14));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("b", _store.Record!.HolderIdentity);
        Assert.Equal(1, _store.Record.LeaseTransitions);
        Assert.Equal(_clock.GetUtcNow(), _store.Record.AcquireTime);
    }

    [Fact]
    public async Task A_renewal_seen_by_a_waiting_candidate_restarts_its_count()
    {
        var a = Candidate("a");
        var b = Candidate("b");
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        await b.TryAcquireOrRenewAsync(CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(10));
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("a", _store.Record!.HolderIdentity);
    }

    [Fact]
    public async Task Of_two_candidates_writing_over_the_same_version_only_one_wins()
    {
        var a = Candidate("a");
        var b = Candidate("b");
        _store.Overwrite(new LeaderElectionRecord { HolderIdentity = "", LeaseDurationSeconds = 1 });

        // Both read the free lease; a writes first, b's write carries the version a replaced.
        var first = await a.TryAcquireOrRenewAsync(CancellationToken.None);
        var staleB = new FakeLock(_store, "b");
        var stale = _store.Record! with { Version = "1", HolderIdentity = "b" };
        var ex = await Assert.ThrowsAsync<KubeApiException>(() => staleB.UpdateAsync(stale, CancellationToken.None));

        Assert.True(first);
        Assert.True(ex.IsConflict);
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("a", _store.Record!.HolderIdentity);
    }

    [Fact]
    public async Task A_leader_whose_lease_was_taken_by_a_conflicting_write_is_no_longer_leader()
    {
        var a = Candidate("a");
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        _store.Overwrite(_store.Record! with { HolderIdentity = "b", RenewTime = _clock.GetUtcNow() });

        _clock.Advance(Retry);

        // The fast path's write conflicts; the read shows b's live lease.
        Assert.False(await a.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(a.IsLeader);
        Assert.Equal("b", a.Leader);
    }

    [Fact]
    public async Task Running_leads_until_renewals_fail_for_the_renew_deadline_then_stops_leading()
    {
        // Timers fire inside Advance on this thread: without xunit's context the elector's continuations run there too, in order.
        SynchronizationContext.SetSynchronizationContext(null);
        var a = Candidate("a");
        var leading = new TaskCompletionSource<CancellationToken>();
        var run = Task.Run(() => a.RunAsync(token => { leading.SetResult(token); return Task.Delay(Timeout.Infinite, token); }, CancellationToken.None));
        var token = await leading.Task;
        Assert.Equal(["a became leader"], _store.Events);

        // Renewals every retry period keep it.
        for (var i = 0; i < 5; i++)
        {
            await _clock.WaitForTimersAsync();
            _clock.Advance(Retry);
        }
        Assert.False(token.IsCancellationRequested);
        Assert.Equal(_clock.GetUtcNow(), _store.Record!.RenewTime);

        // The store stops answering: still leading until 10 s have passed without a renewal, not after.
        _store.Down = true;
        var downAt = _clock.GetUtcNow();
        while (!token.IsCancellationRequested)
        {
            await TimerOrEnd(token);
            _clock.Advance(TimeSpan.FromMilliseconds(500));
            Assert.True(_clock.GetUtcNow() - downAt <= TimeSpan.FromSeconds(12.5));
        }

        Assert.True(await run);
        Assert.True(_clock.GetUtcNow() - downAt >= TimeSpan.FromSeconds(10));
        Assert.Equal(["a became leader", "a stopped leading"], _store.Events);
    }

    [Fact]
    public async Task A_sole_candidate_keeps_leading_through_renewals_later_than_the_renew_deadline()
    {
        SynchronizationContext.SetSynchronizationContext(null);
        var a = new LeaderElector(new LeaderElectionConfig { Lock = new FakeLock(_store, "a"), Identity = "a", SoleCandidate = true, Jitter = () => 0 },
            _clock, NullLogger.Instance);
        var leading = new TaskCompletionSource<CancellationToken>();
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => a.RunAsync(token => { leading.SetResult(token); return Task.Delay(Timeout.Infinite, token); }, stop.Token));
        var token = await leading.Task;

        // An overloaded server: the store answers nothing for three renew deadlines.
        _store.Down = true;
        var downAt = _clock.GetUtcNow();
        while (_clock.GetUtcNow() - downAt < TimeSpan.FromSeconds(30))
        {
            await TimerOrEnd(token);
            Assert.False(token.IsCancellationRequested, $"stopped leading {_clock.GetUtcNow() - downAt} after the store went quiet");
            _clock.Advance(TimeSpan.FromMilliseconds(500));
        }
        Assert.True(a.IsLeader);

        // Renewals resume where they left off.
        _store.Down = false;
        for (var i = 0; i < 3; i++)
        {
            await _clock.WaitForTimersAsync();
            _clock.Advance(Retry);
        }
        Assert.False(token.IsCancellationRequested);
        Assert.True(_store.Record!.RenewTime > downAt);
        Assert.Equal(["a became leader"], _store.Events);

        await stop.CancelAsync();
        Assert.False(await run);
    }

    [Fact]
    public async Task Stopping_while_the_lock_is_being_read_ends_the_run_without_an_error()
    {
        var reading = new TaskCompletionSource();
        var candidate = new LeaderElector(
            new LeaderElectionConfig { Lock = new HangingLock(reading), Identity = "a", Jitter = () => 0 }, _clock, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = candidate.RunAsync(_ => Task.CompletedTask, stop.Token);
        await reading.Task;

        await stop.CancelAsync();

        Assert.False(await run);
        Assert.False(candidate.IsLeader);
    }

    /// <summary>A lock whose reads answer only with the caller's cancellation (a request in flight when the server stops).</summary>
    private sealed class HangingLock(TaskCompletionSource reading) : IResourceLock
    {
        public string Describe => "kube-system/lock";

        public async Task<LeaderElectionRecord?> GetAsync(CancellationToken ct)
        {
            reading.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }

        public Task<LeaderElectionRecord> CreateAsync(LeaderElectionRecord record, CancellationToken ct) => throw new InvalidOperationException("not read yet");

        public Task<LeaderElectionRecord> UpdateAsync(LeaderElectionRecord record, CancellationToken ct) => throw new InvalidOperationException("not read yet");

        public void RecordEvent(string message)
        {
        }
    }

    [Fact]
    public async Task Stopping_releases_the_lease_so_the_next_candidate_takes_it_at_once()
    {
        // Timers fire inside Advance on this thread: without xunit's context the elector's continuations run there too, in order.
        SynchronizationContext.SetSynchronizationContext(null);
        var a = Candidate("a");
        var b = Candidate("b");
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var run = Task.Run(() => a.RunAsync(token => { started.SetResult(); return Task.Delay(Timeout.Infinite, token); }, stop.Token));
        await started.Task;
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));

        await stop.CancelAsync();

        Assert.False(await run);
        Assert.Equal("", _store.Record!.HolderIdentity);
        Assert.Equal(1, _store.Record.LeaseDurationSeconds);
        Assert.Equal(0, _store.Record.LeaseTransitions);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal(1, _store.Record.LeaseTransitions);
    }

    [Fact]
    public async Task A_candidate_campaigns_every_retry_period_and_leads_once_the_holder_stopped_renewing()
    {
        // Timers fire inside Advance on this thread: without xunit's context the elector's continuations run there too, in order.
        SynchronizationContext.SetSynchronizationContext(null);
        var a = Candidate("a");
        var b = Candidate("b");
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        var leading = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => b.RunAsync(token => { leading.SetResult(); return Task.Delay(Timeout.Infinite, token); }, stop.Token));

        var start = _clock.GetUtcNow();
        while (!leading.Task.IsCompleted)
        {
            await Task.WhenAny(_clock.WaitForTimersAsync(), leading.Task);
            _clock.Advance(Retry);
            Assert.True(_clock.GetUtcNow() - start <= TimeSpan.FromSeconds(17));
        }

        Assert.True(_clock.GetUtcNow() - start >= TimeSpan.FromSeconds(15));
        Assert.Equal("b", _store.Record!.HolderIdentity);
        Assert.Contains("b became leader", _store.Events);
        await stop.CancelAsync();
        Assert.False(await run);
    }

    [Fact]
    public async Task A_sole_candidate_takes_over_a_live_lease_left_by_its_own_earlier_run()
    {
        var earlier = Candidate("host_earlier");
        await earlier.TryAcquireOrRenewAsync(CancellationToken.None);
        var restarted = new LeaderElector(
            new LeaderElectionConfig { Lock = new FakeLock(_store, "host_now"), Identity = "host_now", SoleCandidate = true, Jitter = () => 0 },
            _clock, NullLogger.Instance);

        Assert.True(await restarted.TryAcquireOrRenewAsync(CancellationToken.None));

        Assert.Equal("host_now", _store.Record!.HolderIdentity);
        Assert.Equal(1, _store.Record.LeaseTransitions);
        Assert.False(await earlier.TryAcquireOrRenewAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_candidate_takes_a_live_lease_once_the_holders_process_is_gone_and_a_renewal_is_late()
    {
        var gone = false;
        var asked = new List<string>();
        var a = Candidate("a");
        var b = Candidate("b", (holder, _) => { asked.Add(holder); return Task.FromResult(gone); });
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));

        // Overdue but alive: kept.
        _clock.Advance(Retry + TimeSpan.FromSeconds(1));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal(["a"], asked);

        // Gone, and overdue: taken, 12 s before the lease would have expired.
        gone = true;
        Assert.True(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("b", _store.Record!.HolderIdentity);
        Assert.Equal(1, _store.Record.LeaseTransitions);
        Assert.False(await a.TryAcquireOrRenewAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_holder_that_keeps_renewing_is_never_taken_from_even_when_its_port_refuses()
    {
        var a = Candidate("a");
        var b = Candidate("b", (_, _) => Task.FromResult(true));
        await a.TryAcquireOrRenewAsync(CancellationToken.None);

        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(30); elapsed += TimeSpan.FromMilliseconds(250))
        {
            if (elapsed.Ticks % Retry.Ticks == 0)
            {
                Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));
            }
            Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
            _clock.Advance(TimeSpan.FromMilliseconds(250));
        }
        Assert.Equal("a", _store.Record!.HolderIdentity);
    }

    [Fact]
    public async Task A_failing_liveness_check_counts_as_alive()
    {
        var a = Candidate("a");
        var b = Candidate("b", (_, _) => throw new InvalidOperationException("store down"));
        await a.TryAcquireOrRenewAsync(CancellationToken.None);

        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("a", _store.Record!.HolderIdentity);
    }

    [Fact]
    public async Task A_waiting_candidate_leads_within_a_probe_interval_of_the_holder_going()
    {
        // Timers fire inside Advance on this thread: without xunit's context the elector's continuations run there too, in order.
        SynchronizationContext.SetSynchronizationContext(null);
        var gone = false;
        var a = Candidate("a");
        var b = Candidate("b", (_, _) => Task.FromResult(gone));
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        var leading = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var start = _clock.GetUtcNow();
        var run = Task.Run(() => b.RunAsync(token => { leading.SetResult(); return Task.Delay(Timeout.Infinite, token); }, stop.Token));
        var step = TimeSpan.FromMilliseconds(50);

        // Half a retry period after its last renewal, a's process goes: b takes over as soon as the next
        // renewal is a second late, not at its next attempt (4.4 s with jitter), let alone the lease's end.
        for (var waited = TimeSpan.Zero; waited < Retry / 2; waited += step)
        {
            await _clock.WaitForTimersAsync();
            _clock.Advance(step);
        }
        gone = true;
        var renewedAt = start;
        while (!leading.Task.IsCompleted)
        {
            await Task.WhenAny(_clock.WaitForTimersAsync(), leading.Task);
            _clock.Advance(step);
            Assert.True(_clock.GetUtcNow() - renewedAt <= Retry + TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(300));
        }

        Assert.Equal("b", _store.Record!.HolderIdentity);
        await stop.CancelAsync();
        Assert.False(await run);
    }

    [Fact]
    public async Task A_leader_that_finds_another_holder_in_the_lease_stops_leading_at_once_not_at_the_renew_deadline()
    {
        // Timers fire inside Advance on this thread: without xunit's context the elector's continuations run there too, in order.
        SynchronizationContext.SetSynchronizationContext(null);
        var a = Candidate("a");
        var leading = new TaskCompletionSource<CancellationToken>();
        var run = Task.Run(() => a.RunAsync(token => { leading.SetResult(token); return Task.Delay(Timeout.Infinite, token); }, CancellationToken.None));
        var token = await leading.Task;

        _store.Overwrite(_store.Record! with { HolderIdentity = "b", RenewTime = _clock.GetUtcNow() });
        var takenAt = _clock.GetUtcNow();
        while (!token.IsCancellationRequested)
        {
            await TimerOrEnd(token);
            _clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.True(await run);
        Assert.True(_clock.GetUtcNow() - takenAt <= Retry + TimeSpan.FromMilliseconds(500));
        Assert.Equal("b", _store.Record!.HolderIdentity);
    }

    /// <summary>Waits until the elector has a timer pending, or leadership has ended (then none will be).</summary>
    private async Task TimerOrEnd(CancellationToken leading)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = leading.Register(() => ended.TrySetResult());
        await Task.WhenAny(_clock.WaitForTimersAsync(), ended.Task);
    }

    [Fact]
    public void Timings_that_could_let_two_lead_are_refused()
    {
        var lockObject = new FakeLock(_store, "a");
        Assert.Throws<ArgumentException>(() => new LeaderElector(
            new LeaderElectionConfig { Lock = lockObject, Identity = "a", LeaseDuration = TimeSpan.FromSeconds(10), RenewDeadline = TimeSpan.FromSeconds(10) }, _clock, NullLogger.Instance));
        Assert.Throws<ArgumentException>(() => new LeaderElector(
            new LeaderElectionConfig { Lock = lockObject, Identity = "a", RenewDeadline = TimeSpan.FromSeconds(2) }, _clock, NullLogger.Instance));
        Assert.Throws<ArgumentException>(() => new LeaderElector(
            new LeaderElectionConfig { Lock = lockObject, Identity = "" }, _clock, NullLogger.Instance));
    }
}
