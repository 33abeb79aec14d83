using Axolotl.Client.Events;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>The pod's sandbox: made beside its volumes (<see cref="PodVolumes"/>) on the first sync, removed when the pod is done.</summary>
public sealed partial class PodWorker
{
    /// <summary>
    /// The sandbox (network namespace, veth, address: a few `ip` runs) is made while the volumes are
    /// set up (a token request and the ConfigMaps of the projected volume: API round trips): neither
    /// needs the other, and a first start waits for the longer one instead of both.
    /// </summary>
    private async Task<bool> EnsureSandboxAndVolumesAsync(CancellationToken ct)
    {
        if (_sandbox is not null)
        {
            return await EnsurePolicyCoveredAsync(ct) && await _volumes.EnsureAsync(Latest, _live.Count > 0, ct);
        }

        // Only the runtime's call runs beside the volumes; the worker's own state changes after both.
        var creating = CreateSandboxAsync(ct);
        bool volumesReady;
        try
        {
            volumesReady = await _volumes.EnsureAsync(Latest, _live.Count > 0, ct);
            StartTrace.Mark("pod-volumes-ready", Latest.Metadata.Name, Uid);
        }
        finally
        {
            // Never leave the creation unobserved: a sandbox made meanwhile is adopted or found again next time.
            await ((Task)creating).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return await AdoptSandboxAsync(creating) && await EnsurePolicyCoveredAsync(ct) && volumesReady;
    }

    /// <summary>
    /// No container of the pod starts before the node's network policy covers its address (the gate
    /// returns once the rules are in the kernel), so a denied packet never gets out or in first. A failure
    /// keeps the containers from starting and is tried again.
    /// </summary>
    private async Task<bool> EnsurePolicyCoveredAsync(CancellationToken ct)
    {
        if (_policyCovered || _ctx.NetworkGate is not { } gate || _sandbox?.Ip is not { } ip)
        {
            return true;
        }
        try
        {
            await gate.CoverAsync(Latest, ip, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _ctx.Log.LogWarning(ex, "network policy for pod {Namespace}/{Name} could not be applied", Latest.Metadata.Namespace, Latest.Metadata.Name);
            _ctx.Events.Record(Latest, EventRecorder.Warning, "FailedCreatePodSandBox", $"Failed to create pod sandbox: network policy not applied: {ex.Message}");
            Schedule(Now + _ctx.Options.ConfigErrorRetry);
            return false;
        }
        _policyCovered = true;
        return true;
    }

    private async Task<PodSandbox> CreateSandboxAsync(CancellationToken ct)
    {
        var meta = Latest.Metadata;
        var hostname = Latest.Spec?.Hostname ?? meta.Name ?? Uid;
        var sandbox = await _ctx.Runtime.CreateSandboxAsync(
            new PodSandboxSpec(Uid, meta.Namespace ?? "default", meta.Name ?? "", hostname, Latest.Spec?.DnsPolicy, Latest.Spec?.DnsConfig)
            {
                HostNetwork = Latest.Spec?.HostNetwork == true,
                Subdomain = Latest.Spec?.Subdomain,
                HostAliases = Latest.Spec?.HostAliases ?? [],
                ShareProcessNamespace = Latest.Spec?.ShareProcessNamespace == true,
                SetHostnameAsFqdn = Latest.Spec?.SetHostnameAsFQDN == true,
            }, ct);
        StartTrace.Mark("pod-network-ready", meta.Name, Uid);
        return sandbox;
    }

    private async Task<bool> AdoptSandboxAsync(Task<PodSandbox> creating)
    {
        var meta = Latest.Metadata;
        try
        {
            Volatile.Write(ref _sandbox, await creating);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _ctx.Log.LogWarning(ex, "creating the sandbox of pod {Namespace}/{Name} failed", meta.Namespace, meta.Name);
            _ctx.Events.Record(Latest, EventRecorder.Warning, "FailedCreatePodSandBox", $"Failed to create pod sandbox: {ex.Message}");
            Schedule(Now + _ctx.Options.ConfigErrorRetry);
            return false;
        }
        StartTrace.Mark("pod-sandbox-ready", Latest.Metadata.Name, Uid);
        Observed.SandboxReady = true;
        Observed.PodIp = _sandbox.Ip ?? _ctx.HostIp;
        SaveCheckpoint();
        return true;
    }

    private async Task RemoveSandboxAsync(CancellationToken ct)
    {
        if (_sandbox is null)
        {
            return;
        }
        try
        {
            await _ctx.Runtime.RemoveSandboxAsync(_sandbox, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _ctx.Log.LogWarning(ex, "removing the sandbox of pod {Uid} failed", Uid);
        }
        Volatile.Write(ref _sandbox, null);
        Observed.SandboxReady = false;
        _policyCovered = false;
        _ctx.NetworkGate?.Forget(Uid);
    }
}
