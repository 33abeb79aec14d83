using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.LeaderElection;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// A control-plane component (the controller manager, the scheduler) that runs only while this server
/// holds its Lease in kube-system, as kube-controller-manager and kube-scheduler do with
/// --leader-elect. When leadership is lost (no renewal for the renew deadline) the component is
/// stopped at once and this server campaigns again; upstream's binaries exit instead, which a
/// supervisor then restarts into the same campaign.
/// </summary>
public sealed partial class ElectedComponent : IAsyncDisposable
{
    public const string LeaseNamespace = "kube-system";

    private readonly LeaderElector _elector;
    private readonly EventRecorder _events;
    private readonly Func<CancellationToken, Task<Func<Task>>> _start;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private DelegateLoop? _campaign;

    /// <param name="start">Starts the component against the token (fired when leadership ends) and returns how to stop it.</param>
    /// <param name="soleCandidate">The store serves only this process (SQLite): a holder found at start can only be an earlier run of this server.</param>
    /// <param name="liveness">Tells when a holder's server process is gone, so its lease need not be waited out; its UID ends this candidate's identity.</param>
    public ElectedComponent(KubeClient client, string leaseName, string component, Func<CancellationToken, Task<Func<Task>>> start,
        bool soleCandidate, TimeProvider clock, ILoggerFactory logging, LeaderElectionTimings? timings = null, Axolotl.ApiServer.ControlPlane.ServerLiveness? liveness = null)
    {
        Identity = liveness is null ? NewIdentity() : $"{Environment.MachineName}_{liveness.ProcessUid}";
        LeaseName = leaseName;
        _clock = clock;
        _logger = logging.CreateLogger($"Axolotl.LeaderElection.{leaseName}");
        _events = new EventRecorder(client, new EventRecorderOptions { Component = component, Host = Environment.MachineName }, clock, _logger);
        _elector = new LeaderElector(
            new LeaderElectionConfig
            {
                Lock = new LeaseLock(client, LeaseNamespace, leaseName, Identity, _events),
                Identity = Identity,
                SoleCandidate = soleCandidate,
                LeaseDuration = timings?.LeaseDuration ?? LeaderElectionConfig.DefaultLeaseDuration,
                RenewDeadline = timings?.RenewDeadline ?? LeaderElectionConfig.DefaultRenewDeadline,
                RetryPeriod = timings?.RetryPeriod ?? LeaderElectionConfig.DefaultRetryPeriod,
                HolderStopped = liveness is null ? null : liveness.HasStoppedAsync,
            },
            clock, _logger);
        _start = start;
    }

    /// <summary>holderIdentity as upstream's: the host name, an underscore, a UUID fresh for this process (its API server's, when known).</summary>
    public string Identity { get; }

    public string LeaseName { get; }

    public bool IsLeader => _elector.IsLeader;

    public static string NewIdentity() => $"{Environment.MachineName}_{Guid.NewGuid()}";

    public void Start(CancellationToken ct)
    {
        // Restart with backoff: the campaign already survives a failed election; anything else must not leave
        // this server out of the race for good.
        _campaign = DelegateLoop.StartNew($"leader-election {LeaseName}", LoopFailurePolicy.RestartWithBackoff, CampaignAsync, _clock, _logger, ct);
    }

    private async Task CampaignAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            bool lost;
            try
            {
                lost = await _elector.RunAsync(LeadAsync, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(_logger, LeaseName, e);
                lost = true;
            }
            if (!lost)
            {
                return;
            }
            LogCampaigningAgain(_logger, LeaseName);
        }
    }

    private async Task LeadAsync(CancellationToken leading)
    {
        LogStarting(_logger, LeaseName, Identity);
        var stop = await _start(leading);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _clock, leading);
        }
        catch (OperationCanceledException)
        {
            // Leadership ended or the server is stopping.
        }
        finally
        {
            await stop();
            LogStopped(_logger, LeaseName);
        }
    }

    /// <summary>Stops the component and gives the lease up so another server takes over without waiting it out.</summary>
    public async Task StopAsync()
    {
        // The campaign ends with the stop; a failure it had was logged then, and thrown from here it would hide why the server is stopping.
        if (_campaign is not null)
        {
            await _campaign.StopAsync();
        }
        await _events.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), _clock).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _events.DisposeAsync();
        if (_campaign is not null)
        {
            await _campaign.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "leading {Lease} as {Identity}: starting")]
    private static partial void LogStarting(ILogger logger, string lease, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopped acting for {Lease}")]
    private static partial void LogStopped(ILogger logger, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "lost {Lease}; campaigning again")]
    private static partial void LogCampaigningAgain(ILogger logger, string lease);

    [LoggerMessage(Level = LogLevel.Error, Message = "leader election on {Lease} failed; campaigning again")]
    private static partial void LogFailed(ILogger logger, string lease, Exception e);
}
