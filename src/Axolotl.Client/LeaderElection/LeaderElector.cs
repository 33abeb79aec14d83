using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Axolotl.Client.LeaderElection;

/// <summary>
/// Leader election on a lock object with client-go's semantics. A candidate tries every
/// RetryPeriod (jittered) to take the lock: it may when the lock does not exist, has no holder, or
/// has not changed for LeaseDuration as seen by this candidate's own clock (no clock comparison
/// across machines). The leader renews every RetryPeriod; if no renewal succeeds for RenewDeadline
/// it stops leading at once, before any other candidate may take over. Every write carries the
/// version it read, so of two candidates racing only one succeeds.
/// </summary>
public sealed partial class LeaderElector
{
    private readonly LeaderElectionConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private LeaderElectionRecord? _observed;
    private long _observedAt;
    private string? _reportedLeader;

    public LeaderElector(LeaderElectionConfig config, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _time = time;
        _logger = logger;
    }

    public string Identity => _config.Identity;

    /// <summary>The holder this candidate last saw (itself when leading); null before the first look.</summary>
    public string? Leader
    {
        get
        {
            lock (_lock)
            {
                return _observed?.HolderIdentity;
            }
        }
    }

    /// <summary>Whether the last record this candidate saw or wrote names it as holder.</summary>
    public bool IsLeader => Leader == _config.Identity;

    /// <summary>Called with each new holder seen (client-go's OnNewLeader), this candidate included.</summary>
    public Action<string>? OnNewLeader { get; init; }

    /// <summary>
    /// Campaigns until this candidate leads, runs <paramref name="lead"/> with a token that fires when
    /// leadership is lost (no renewal for RenewDeadline) or <paramref name="ct"/> fires, waits for
    /// <paramref name="lead"/> to finish, and returns: true when leadership was lost (the caller may
    /// campaign again), false when <paramref name="ct"/> ended it (the lease is then released).
    /// </summary>
    public async Task<bool> RunAsync(Func<CancellationToken, Task> lead, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lead);
        bool acquired;
        try
        {
            acquired = await AcquireAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped while a read or write of the lock was in flight: a stop, not a failure.
            acquired = false;
        }
        if (!acquired)
        {
            return false;
        }
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var work = RunLeadAsync(lead, leading.Token);
        var lost = await RenewAsync(ct);
        await leading.CancelAsync();
        await work;
        _config.Lock.RecordEvent("stopped leading");
        if (lost)
        {
            LogLost(_logger, _config.Lock.Describe);
            return true;
        }
        if (_config.ReleaseOnCancel)
        {
            await ReleaseAsync();
        }
        return false;
    }

    /// <summary>One attempt to take or renew the lock (client-go's tryAcquireOrRenew); true when this candidate holds it afterwards.</summary>
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var desired = new LeaderElectionRecord
        {
            HolderIdentity = _config.Identity,
            LeaseDurationSeconds = (int)_config.LeaseDuration.TotalSeconds,
            AcquireTime = now,
            RenewTime = now,
        };
        LeaderElectionRecord? observed;
        lock (_lock)
        {
            observed = _observed;
        }
        // Fast path: the leader writes over the version it last wrote, without reading first.
        if (IsLeader && LeaseValid() && observed is not null)
        {
            try
            {
                var renewed = await _config.Lock.UpdateAsync(
                    desired with { AcquireTime = observed.AcquireTime, LeaseTransitions = observed.LeaseTransitions, Version = observed.Version }, ct);
                Observe(renewed);
                return true;
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                LogFastPathFailed(_logger, _config.Lock.Describe, e.Message);
            }
        }

        LeaderElectionRecord? current;
        try
        {
            current = await _config.Lock.GetAsync(ct);
        }
        catch (Exception e) when (IsTransient(e, ct))
        {
            LogGetFailed(_logger, _config.Lock.Describe, e.Message);
            return false;
        }
        if (current is null)
        {
            try
            {
                Observe(await _config.Lock.CreateAsync(desired, ct));
                return true;
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                LogCreateFailed(_logger, _config.Lock.Describe, e.Message);
                return false;
            }
        }

        // The clock restarts only when the record changed, measured on this machine's clock.
        ObserveIfChanged(current);
        if (current.HolderIdentity.Length > 0 && LeaseValid() && !IsLeader && !_config.SoleCandidate
            && !(RenewalOverdue() && await HolderStoppedAsync(current.HolderIdentity, ct)))
        {
            return false;
        }
        var attempt = IsLeader
            ? desired with { AcquireTime = current.AcquireTime, LeaseTransitions = current.LeaseTransitions, Version = current.Version }
            : desired with { LeaseTransitions = current.LeaseTransitions + 1, Version = current.Version };
        try
        {
            Observe(await _config.Lock.UpdateAsync(attempt, ct));
            return true;
        }
        catch (Exception e) when (IsTransient(e, ct))
        {
            LogUpdateFailed(_logger, _config.Lock.Describe, e.Message);
            return false;
        }
    }

    /// <summary>Gives the lease up if this candidate holds it: no holder, a 1 s duration, the transitions kept.</summary>
    public async Task<bool> ReleaseAsync()
    {
        LeaderElectionRecord? observed;
        lock (_lock)
        {
            observed = _observed;
        }
        if (!IsLeader || observed is null)
        {
            return true;
        }
        var now = _time.GetUtcNow();
        using var deadline = new CancellationTokenSource(_config.RenewDeadline, _time);
        try
        {
            var released = await _config.Lock.UpdateAsync(new LeaderElectionRecord
            {
                HolderIdentity = "",
                LeaseDurationSeconds = 1,
                AcquireTime = now,
                RenewTime = now,
                LeaseTransitions = observed.LeaseTransitions,
                Version = observed.Version,
            }, deadline.Token);
            Observe(released);
            LogReleased(_logger, _config.Lock.Describe);
            return true;
        }
        catch (Exception e) when (IsTransient(e, deadline.Token))
        {
            LogReleaseFailed(_logger, _config.Lock.Describe, e.Message);
            return false;
        }
    }

    private async Task<bool> AcquireAsync(CancellationToken ct)
    {
        LogAttempting(_logger, _config.Lock.Describe);
        while (!ct.IsCancellationRequested)
        {
            var acquired = await TryAcquireOrRenewAsync(ct);
            ReportTransition();
            if (acquired)
            {
                _config.Lock.RecordEvent("became leader");
                LogAcquired(_logger, _config.Lock.Describe);
                return true;
            }
            var jitter = _config.Jitter?.Invoke() ?? RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000.0;
            var wait = _config.RetryPeriod + TimeSpan.FromTicks((long)(jitter * LeaderElectionConfig.JitterFactor * _config.RetryPeriod.Ticks));
            if (!await WaitForRetryAsync(wait, ct))
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>Renews until <paramref name="ct"/> fires (false) or a RenewDeadline passes without a renewal (true: lost).</summary>
    private async Task<bool> RenewAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (!await DelayAsync(_config.RetryPeriod, ct))
            {
                return false;
            }
            using var deadline = new CancellationTokenSource(_config.RenewDeadline, _time);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            var renewed = false;
            while (!attempt.IsCancellationRequested)
            {
                try
                {
                    renewed = await TryAcquireOrRenewAsync(attempt.Token);
                }
                catch (OperationCanceledException) when (attempt.IsCancellationRequested)
                {
                    break;
                }
                // A record naming another holder means it took over: stop at once rather than at the deadline.
                if (renewed || HeldByAnother() || !await DelayAsync(_config.RetryPeriod, attempt.Token))
                {
                    break;
                }
            }
            ReportTransition();
            if (ct.IsCancellationRequested)
            {
                return false;
            }
            if (!renewed)
            {
                if (!_config.SoleCandidate || HeldByAnother())
                {
                    return true;
                }
                // Nobody else can reach this store, so a late renewal means an overloaded process, not a rival:
                // stepping down would only restart the component into a full resync (ADR 0014, addendum).
                LogRenewalOverdue(_logger, _config.Lock.Describe);
            }
        }
        return false;
    }

    private async Task RunLeadAsync(Func<CancellationToken, Task> lead, CancellationToken leading)
    {
        try
        {
            await lead(leading);
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
            // Leadership ended.
        }
    }

    /// <summary>
    /// Waits <paramref name="wait"/> before the next attempt, asking meanwhile whether the holder's
    /// process is gone: then it returns early, for an attempt that reads the lease again and takes it
    /// once the holder has also missed a renewal. False when <paramref name="ct"/> fired.
    /// </summary>
    private async Task<bool> WaitForRetryAsync(TimeSpan wait, CancellationToken ct)
    {
        var holder = Leader;
        if (_config.HolderStopped is null || string.IsNullOrEmpty(holder) || holder == _config.Identity)
        {
            return await DelayAsync(wait, ct);
        }
        var started = _time.GetTimestamp();
        while (_time.GetElapsedTime(started) is var waited && waited < wait)
        {
            var step = wait - waited < _config.HolderProbeInterval ? wait - waited : _config.HolderProbeInterval;
            if (!await DelayAsync(step, ct))
            {
                return false;
            }
            if (await HolderStoppedAsync(holder, ct))
            {
                break;
            }
        }
        return !ct.IsCancellationRequested;
    }

    private async Task<bool> HolderStoppedAsync(string holder, CancellationToken ct)
    {
        if (_config.HolderStopped is null)
        {
            return false;
        }
        try
        {
            return await _config.HolderStopped(holder, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Not knowing is "not gone": the lease is waited out as without the check.
            LogHolderCheckFailed(_logger, _config.Lock.Describe, holder, e.Message);
            return false;
        }
    }

    /// <summary>
    /// The holder missed a renewal: unchanged for a retry period and <see cref="LeaderElectionConfig.HolderRenewalGrace"/>.
    /// A gone process is taken over only then, so a holder that still renews (one a firewall rejects
    /// connections to, say) is never taken from.
    /// </summary>
    private bool RenewalOverdue()
    {
        lock (_lock)
        {
            return _time.GetElapsedTime(_observedAt) >= _config.RetryPeriod + _config.HolderRenewalGrace;
        }
    }

    private bool HeldByAnother()
    {
        var leader = Leader;
        return !string.IsNullOrEmpty(leader) && leader != _config.Identity;
    }

    private async Task<bool> DelayAsync(TimeSpan wait, CancellationToken ct)
    {
        try
        {
            await Task.Delay(wait, _time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private bool LeaseValid()
    {
        lock (_lock)
        {
            return _observed is { } record
                && _time.GetElapsedTime(_observedAt) < TimeSpan.FromSeconds(record.LeaseDurationSeconds);
        }
    }

    private void Observe(LeaderElectionRecord record)
    {
        lock (_lock)
        {
            _observed = record;
            _observedAt = _time.GetTimestamp();
        }
    }

    private void ObserveIfChanged(LeaderElectionRecord record)
    {
        lock (_lock)
        {
            if (_observed is not null && _observed with { Version = null } == record with { Version = null })
            {
                // Same holder, same renewal: the version may differ (a rewrite), the clock does not restart.
                _observed = record;
                return;
            }
            _observed = record;
            _observedAt = _time.GetTimestamp();
        }
    }

    private void ReportTransition()
    {
        var leader = Leader;
        if (string.IsNullOrEmpty(leader) || leader == _reportedLeader)
        {
            return;
        }
        _reportedLeader = leader;
        LogNewLeader(_logger, _config.Lock.Describe, leader);
        OnNewLeader?.Invoke(leader);
    }

    private static bool IsTransient(Exception e, CancellationToken ct) =>
        e is KubeApiException or HttpRequestException or IOException or TimeoutException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    [LoggerMessage(Level = LogLevel.Information, Message = "attempting to acquire leader lease {Lock}...")]
    private static partial void LogAttempting(ILogger logger, string @lock);

    [LoggerMessage(Level = LogLevel.Information, Message = "successfully acquired lease {Lock}")]
    private static partial void LogAcquired(ILogger logger, string @lock);

    [LoggerMessage(Level = LogLevel.Warning, Message = "failed to renew lease {Lock} within the renew deadline; still leading: no other candidate can reach this store")]
    private static partial void LogRenewalOverdue(ILogger logger, string @lock);

    [LoggerMessage(Level = LogLevel.Warning, Message = "failed to renew lease {Lock}: timed out waiting for the condition; stopped leading")]
    private static partial void LogLost(ILogger logger, string @lock);

    [LoggerMessage(Level = LogLevel.Information, Message = "lease {Lock}: new leader elected: {Leader}")]
    private static partial void LogNewLeader(ILogger logger, string @lock, string leader);

    [LoggerMessage(Level = LogLevel.Warning, Message = "lease {Lock}: could not tell whether holder {Holder} is gone: {Error}")]
    private static partial void LogHolderCheckFailed(ILogger logger, string @lock, string holder, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "released lease {Lock}")]
    private static partial void LogReleased(ILogger logger, string @lock);

    [LoggerMessage(Level = LogLevel.Warning, Message = "failed to release lease {Lock}: {Error}")]
    private static partial void LogReleaseFailed(ILogger logger, string @lock, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "failed to update lease {Lock} optimistically ({Error}), falling back to slow path")]
    private static partial void LogFastPathFailed(ILogger logger, string @lock, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "error retrieving resource lock {Lock}: {Error}")]
    private static partial void LogGetFailed(ILogger logger, string @lock, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "error initially creating leader election record {Lock}: {Error}")]
    private static partial void LogCreateFailed(ILogger logger, string @lock, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "failed to update lock {Lock}: {Error}")]
    private static partial void LogUpdateFailed(ILogger logger, string @lock, string error);
}
