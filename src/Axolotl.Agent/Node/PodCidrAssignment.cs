using Axolotl.Client;
using Axolotl.Runtime.Network;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Node;

/// <summary>
/// How a node comes by its pod CIDR before its bridge exists: the one its Node already has (a
/// restarted agent); else it registers the Node without one and waits until the server's node IPAM
/// controller assigns a subnet, as a kubelet waits for kube-controller-manager. An explicit
/// --pod-cidr is written on the Node at registration, after checking that it lies in the cluster
/// CIDR and overlaps no other node's (a check, not a lock: two agents giving the same explicit CIDR
/// at the same instant are not stopped; the controller logs the duplicate).
/// </summary>
public static partial class PodCidrAssignment
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<string> AwaitAsync(KubeClient client, AgentOptions options, string? requested, string clusterCidr, TimeProvider time, ILogger log, CancellationToken ct) =>
        CidrOf(await AwaitNodeAsync(client, options, requested, clusterCidr, time, log, ct))!;

    /// <summary>As <see cref="AwaitAsync"/>, returning the Node as the server last answered with it (its pod CIDR set), which the registration then writes on without reading it again.</summary>
    public static async Task<Api.Core.Node> AwaitNodeAsync(KubeClient client, AgentOptions options, string? requested, string clusterCidr, TimeProvider time, ILogger log, CancellationToken ct)
    {
        if (requested is not null)
        {
            requested = await CheckRequestedAsync(client, options.NodeName, requested, clusterCidr, ct);
        }
        // Created first and read only when it exists, as the kubelet registers: a joining node makes one request, not two.
        Api.Core.Node node;
        try
        {
            node = await client.CreateAsync(NodeHeartbeat.NewNode(options, requested), ct);
        }
        catch (KubeApiException e) when (e.IsAlreadyExists)
        {
            node = await client.GetAsync<Api.Core.Node>(null, options.NodeName, ct);
        }
        var waitingSince = time.GetUtcNow();
        var announced = false;
        while (true)
        {
            if (CidrOf(node) is { } assigned)
            {
                if (requested is not null && assigned != requested)
                {
                    throw new ArgumentException($"node {options.NodeName} already has pod CIDR {assigned}; --pod-cidr {requested} cannot change it (delete the Node to start over)");
                }
                if (!PodCidr.Within(assigned, clusterCidr))
                {
                    throw new ArgumentException($"node {options.NodeName} has pod CIDR {assigned}, outside the cluster CIDR {clusterCidr}");
                }
                return node;
            }
            if (requested is not null)
            {
                // A Node registered earlier without one: claim the requested subnet (the update carries the resourceVersion).
                node.Spec ??= new Api.Core.NodeSpec();
                node.Spec.PodCIDR = requested;
                node.Spec.PodCIDRs = [requested];
                try
                {
                    node = await client.UpdateAsync(node, ct);
                    continue;
                }
                catch (KubeApiException e) when (e.IsConflict)
                {
                    // Reread below: the controller may have assigned one meanwhile.
                }
            }
            if (!announced || time.GetUtcNow() - waitingSince > TimeSpan.FromSeconds(30))
            {
                LogWaiting(log, options.NodeName);
                announced = true;
                waitingSince = time.GetUtcNow();
            }
            node = await NextAssignmentAsync(client, options.NodeName, node, time, ct);
        }
    }

    /// <summary>
    /// The Node once it changes (a watch of it from the version in hand, so the assignment arrives as
    /// it is written, not up to a poll interval later), or as read again after the watch ends without
    /// one (its timeout, a 410, a dropped connection), after <see cref="PollInterval"/>.
    /// </summary>
    private static async Task<Api.Core.Node> NextAssignmentAsync(KubeClient client, string name, Api.Core.Node node, TimeProvider time, CancellationToken ct)
    {
        var watch = new ListOptions
        {
            FieldSelector = "metadata.name=" + name,
            ResourceVersion = node.Metadata.ResourceVersion,
            TimeoutSeconds = 30,
        };
        try
        {
            await foreach (var e in client.WatchAsync<Api.Core.Node>(null, watch, ct))
            {
                if (e.Type is WatchEventType.Added or WatchEventType.Modified && e.Object is { } changed && CidrOf(changed) is not null)
                {
                    return changed;
                }
            }
        }
        catch (Exception e) when ((e is HttpRequestException or IOException or KubeApiException) && !ct.IsCancellationRequested)
        {
            // Read again below.
        }
        // After a pause: a server that ends or refuses the watch at once is not asked in a tight loop.
        await Task.Delay(PollInterval, time, ct);
        return await client.GetAsync<Api.Core.Node>(null, name, ct);
    }

    private static async Task<string> CheckRequestedAsync(KubeClient client, string nodeName, string requested, string clusterCidr, CancellationToken ct)
    {
        try
        {
            _ = new PodCidr(requested);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"invalid --pod-cidr \"{requested}\": {e.Message}", e);
        }
        if (!PodCidr.Within(requested, clusterCidr))
        {
            throw new ArgumentException($"invalid --pod-cidr \"{requested}\": not inside the cluster CIDR {clusterCidr}");
        }
        var others = await client.Resource<Api.Core.Node>().ListAsync(null, null, ct);
        foreach (var other in others.Items)
        {
            if (other.Metadata.Name != nodeName && CidrOf(other) is { } theirs && PodCidr.Overlaps(theirs, requested))
            {
                throw new ArgumentException($"invalid --pod-cidr \"{requested}\": overlaps node {other.Metadata.Name}'s pod CIDR {theirs}");
            }
        }
        return requested;
    }

    public static string? CidrOf(Api.Core.Node node) =>
        node.Spec?.PodCIDRs is { Count: > 0 } list && !string.IsNullOrEmpty(list[0]) ? list[0]
        : string.IsNullOrEmpty(node.Spec?.PodCIDR) ? null : node.Spec.PodCIDR;

    [LoggerMessage(Level = LogLevel.Information, Message = "node {Node}: waiting for the server to assign a pod CIDR (node IPAM)")]
    private static partial void LogWaiting(ILogger logger, string node);
}
