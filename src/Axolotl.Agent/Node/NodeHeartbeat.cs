using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Node;

/// <summary>
/// Registers this node's Node object and keeps it alive: the Lease in kube-node-lease is renewed every
/// LeaseRenewInterval, the status is recomputed every NodeStatusUpdateInterval and written when it
/// changed or NodeStatusReportInterval has passed (the kubelet's two heartbeats).
/// </summary>
public sealed class NodeHeartbeat(KubeClient client, AgentOptions options, string runtimeMode, TimeProvider time, ILogger log)
{
    public const string LeaseNamespace = "kube-node-lease";

    private string? _lastFingerprint;

    /// <summary>The Lease as this agent last wrote it (the server's answer); null until then and after a failed renewal.</summary>
    private Lease? _lease;
    private DateTimeOffset _lastReport;

    /// <summary>The node's primary address, known after <see cref="RegisterAsync"/>.</summary>
    public string HostIp { get; private set; } = "";

    public string? NodeUid { get; private set; }

    /// <summary>Creates the Node (or takes over an existing one) with a fresh status, then the Lease.</summary>
    public Task RegisterAsync(CancellationToken ct) => RegisterAsync(null, ct);

    /// <summary>As <see cref="RegisterAsync(CancellationToken)"/>, starting from the Node as this agent last had it from the server.</summary>
    /// <param name="known">The Node from the pod CIDR wait: written on without reading it again (a conflict reads it); null: read it first.</param>
    /// <param name="ct">Stops the registration.</param>
    public async Task RegisterAsync(Api.Core.Node? known, CancellationToken ct)
    {
        var facts = NodeFacts.Read(options.DataDir, options.NodeIp);
        HostIp = facts.InternalIp;
        // Controllers write the new Node at the same time (node IPAM, the lifecycle controller's taints): a
        // conflict reads the Node again and repeats, as the kubelet's registration does; it never ends the agent.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var node = await TakeOverNodeAsync(attempt == 1 ? known : null, ct);
                NodeUid = node.Metadata.Uid;
                await WriteStatusAsync(node, facts, force: true, ct);
                break;
            }
            catch (KubeApiException ex) when (ex.IsConflict && attempt < MaxRegistrationAttempts)
            {
                HeartbeatLog.RegistrationConflict(log, options.NodeName, attempt);
            }
        }
        await EnsureLeaseAsync(ct);
    }

    private const int MaxRegistrationAttempts = 10;

    /// <summary>
    /// The Lease at registration, created first as the Node is (a joining node has none yet, so it makes one request,
    /// not a read that answers 404 and then a create); one that exists already (an agent restart) is renewed.
    /// </summary>
    private async Task EnsureLeaseAsync(CancellationToken ct)
    {
        _lease = null;
        try
        {
            _lease = await client.CreateAsync(NewLease(time.GetUtcNow()), ct);
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            await RenewLeaseAsync(ct);
        }
    }

    private async Task<Api.Core.Node> TakeOverNodeAsync(Api.Core.Node? known, CancellationToken ct)
    {
        var node = known ?? await client.Resource<Api.Core.Node>().TryGetAsync(null, options.NodeName, ct);
        if (node is null)
        {
            node = NewNode(options, options.PodCidr);
            try
            {
                node = await client.CreateAsync(node, ct);
            }
            catch (KubeApiException ex) when (ex.IsAlreadyExists)
            {
                node = await client.GetAsync<Api.Core.Node>(null, options.NodeName, ct);
            }
        }
        if (node.Metadata.Annotations?.GetValueOrDefault(Api.Storage.LocalPath.RootAnnotation) != options.LocalPathRoot)
        {
            // A Node registered before (or by an agent with another data directory): announce where its local-path volumes live.
            node.Metadata.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
            node.Metadata.Annotations[Api.Storage.LocalPath.RootAnnotation] = options.LocalPathRoot;
            node = await client.UpdateAsync(node, ct);
        }
        return node;
    }

    /// <summary>The Node this agent registers; without <paramref name="podCidr"/> the server's node IPAM assigns one.</summary>
    public static Api.Core.Node NewNode(AgentOptions options, string? podCidr) =>
        new()
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new ObjectMeta
            {
                Name = options.NodeName,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["beta.kubernetes.io/arch"] = "amd64",
                    ["beta.kubernetes.io/os"] = "linux",
                    [WellKnown.LabelArch] = "amd64",
                    [WellKnown.LabelHostname] = options.NodeName,
                    [WellKnown.LabelOS] = "linux",
                },
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["node.alpha.kubernetes.io/ttl"] = "0",
                    ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
                    [Api.Storage.LocalPath.RootAnnotation] = options.LocalPathRoot,
                },
            },
            Spec = podCidr is null ? new NodeSpec() : new NodeSpec { PodCIDR = podCidr, PodCIDRs = [podCidr] },
        };

    /// <summary>Runs both heartbeats until cancelled; a failed beat is logged and retried on the next tick.</summary>
    public Task RunAsync(CancellationToken ct) => Task.WhenAll(
        LoopAsync(options.LeaseRenewInterval, RenewLeaseAsync, "lease renewal", ct),
        // A short lease interval (fast failure detection) also shortens how long a node that came back stays NotReady.
        LoopAsync(options.LeaseRenewInterval < options.NodeStatusUpdateInterval ? options.LeaseRenewInterval : options.NodeStatusUpdateInterval,
            UpdateStatusAsync, "node status update", ct));

    public async Task UpdateStatusAsync(CancellationToken ct)
    {
        var node = await client.GetAsync<Api.Core.Node>(null, options.NodeName, ct);
        await WriteStatusAsync(node, NodeFacts.Read(options.DataDir, options.NodeIp), force: false, ct);
    }

    /// <summary>
    /// Renews the Lease this agent last wrote without reading it first, as the kubelet's lease controller does; after a
    /// failed write (someone else changed it, the server lost it) it is read again, and created when it is gone.
    /// </summary>
    public async Task RenewLeaseAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var lease = _lease;
        // Forgotten until this write succeeds: a failure (a conflict, a timeout) reads it again next time.
        _lease = null;
        lease ??= await client.Resource<Lease>().TryGetAsync(LeaseNamespace, options.NodeName, ct);
        if (lease is null)
        {
            _lease = await client.CreateAsync(NewLease(now), ct);
            return;
        }
        lease.Spec ??= new LeaseSpec();
        lease.Spec.HolderIdentity = options.NodeName;
        lease.Spec.LeaseDurationSeconds = options.LeaseDurationSeconds;
        lease.Spec.RenewTime = now;
        _lease = await client.UpdateAsync(lease, ct);
    }

    private Lease NewLease(DateTimeOffset now) => new()
    {
        ApiVersion = "coordination.k8s.io/v1",
        Kind = "Lease",
        Metadata = new ObjectMeta
        {
            Name = options.NodeName,
            Namespace = LeaseNamespace,
            OwnerReferences = NodeUid is null ? null :
            [
                new OwnerReference { ApiVersion = "v1", Kind = "Node", Name = options.NodeName, Uid = NodeUid },
            ],
        },
        Spec = new LeaseSpec { HolderIdentity = options.NodeName, LeaseDurationSeconds = options.LeaseDurationSeconds, RenewTime = now },
    };

    /// <summary>The pressure conditions that are True now (the eviction manager's); null: none.</summary>
    public Func<IReadOnlyCollection<string>>? Pressure { get; set; }

    /// <summary>The node's images for status.images (the kubelet lists up to 50, largest first); null: none reported.</summary>
    public Func<List<Api.Core.ContainerImage>>? Images { get; set; }

    private async Task WriteStatusAsync(Api.Core.Node node, NodeFacts facts, bool force, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var status = NodeStatusBuilder.Build(facts, options, runtimeMode, node.Status, now, Pressure?.Invoke());
        status.Images = Images?.Invoke();
        var fingerprint = NodeStatusBuilder.Fingerprint(status);
        // The node lifecycle controller marks a silent node Unknown: once we are back, say Ready at once (as the kubelet compares with the API's node).
        var apiSaysReady = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True";
        if (!force && apiSaysReady && fingerprint == _lastFingerprint && now - _lastReport < options.NodeStatusReportInterval)
        {
            return;
        }
        node.Status = status;
        await client.UpdateStatusAsync(node, ct);
        _lastFingerprint = fingerprint;
        _lastReport = now;
    }

    /// <summary>
    /// Runs <paramref name="beat"/> every <paramref name="interval"/>; after a failure it tries again
    /// sooner, from ApiRetryInitialBackoff doubling up to ApiRetryMaxBackoff (never later than the
    /// interval), so a node whose API server was gone renews its Lease within seconds of the server
    /// answering again, well inside the grace period the node lifecycle controller gives it.
    /// </summary>
    private static readonly TimeSpan BeatTimeout = TimeSpan.FromSeconds(5);

    private async Task LoopAsync(TimeSpan interval, Func<CancellationToken, Task> beat, string what, CancellationToken ct)
    {
        var retry = RetryDelays(interval);
        var delay = interval;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, ct);
                // A server that does not answer (a partition, not a refusal) must not hold the next beat for the client's 60 s timeout.
                using var deadline = new CancellationTokenSource(interval > BeatTimeout ? interval : BeatTimeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
                await beat(linked.Token);
                if (failures > 0)
                {
                    HeartbeatLog.Recovered(log, options.NodeName, what, failures);
                    failures = 0;
                }
                retry.Reset();
                delay = interval;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                delay = retry.Next();
                // One line, not a stack trace, and only the first of a run above Debug: while the server is
                // down this repeats every few seconds.
                if (++failures == 1)
                {
                    HeartbeatLog.Failed(log, options.NodeName, what, ex.Message, delay);
                }
                else
                {
                    HeartbeatLog.FailedAgain(log, options.NodeName, what, failures, ex.Message, delay);
                }
            }
        }
    }

    /// <summary>The delays between attempts after failures: the agent's API retry backoff, capped at the beat's own interval.</summary>
    public ExponentialBackoff RetryDelays(TimeSpan interval)
    {
        var max = options.ApiRetryMaxBackoff < interval ? options.ApiRetryMaxBackoff : interval;
        var initial = options.ApiRetryInitialBackoff < max ? options.ApiRetryInitialBackoff : max;
        return new ExponentialBackoff(initial, max);
    }
}
