using System.Globalization;
using System.Runtime.InteropServices;
using Axolotl.Agent;
using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.NodeIdentity;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl agent --runtime fake --fake-nodes N`: N node agents in one process, as kwok does for scale
/// tests. Each is a full agent (its own Node, Lease, pod CIDR, pod workers and status writes) over a
/// fake runtime, with its own client certificate from TLS bootstrap (so its own connections to the
/// server). They share one image store (<see cref="LocalAgent.OpenSharedImagesAsync"/>). No kubelet endpoint, service proxy or DNS: nothing real runs behind the pods.
/// </summary>
public static partial class FakeNodes
{
    /// <summary>
    /// kwok's 1,000-node demonstrations. Each node needs a pod CIDR from the server's node IPAM: the default cluster CIDR
    /// (a /16 of /24s) has 256, so more than about 250 nodes need a wider `--cluster-cidr` on the server (10.240.0.0/12
    /// has 4,096); a node left without one waits, as a kubelet does, and the server records CIDRNotAvailable.
    /// </summary>
    public const int MaxNodes = 1000;

    /// <summary>Nodes joining at once: each waits on the server (its certificate, its pod CIDR) between requests, so more than the cores; not a burst of hundreds of requests.</summary>
    private const int StartParallelism = 16;

    public static async Task<int> RunAsync(CommandLine args, Uri server, string token, string caPem)
    {
        if (!LocalAgent.IsFakeRuntime(args))
        {
            throw new ArgumentException("--fake-nodes and --node-name-prefix need --runtime fake");
        }
        if (args.Get("node-name") is not null || args.Get("pod-cidr") is not null)
        {
            throw new ArgumentException("with --fake-nodes, names come from --node-name-prefix and each node picks its own pod CIDR: drop --node-name and --pod-cidr");
        }
        var count = Count(args.Get("fake-nodes"));
        var prefix = args.Get("node-name-prefix") ?? "fake-";
        var names = Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).ToList();
        if (Api.Validation.NameRules.DNS1123Subdomain(names[^1]).Count > 0 || Api.Validation.NameRules.DNS1123Subdomain(names[0]).Count > 0)
        {
            throw new ArgumentException($"invalid --node-name-prefix \"{prefix}\": node names {names[0]} … must be DNS-1123 subdomains");
        }
        var dataDir = Path.GetFullPath(args.Get("data-dir") ?? Path.Combine(DataDirectory.Default(), "fake-nodes", prefix.TrimEnd('-', '.')));
        DataDirectory.EnsurePrivate(dataDir);

        using var command = new CommandHost(Verbosity.Parse(args.Get("v")));
        var logging = command.Logging;
        var log = logging.CreateLogger("axolotl");
        var clock = TimeProvider.System;

        var shutdown = command.Shutdown;
        // Certificate rotations end with the process, or with a join that failed: the cleanup waits for them.
        using var rotationsStop = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token);
        // The cluster's CIDRs, read once from the kubernetes Service by the first node with credentials (as a real agent
        // reads them): pod CIDRs from a server with another --cluster-cidr are then inside this process's range.
        Task<CommandLine>? clusterArgs = null;

        var clients = new Dictionary<string, KubeClient>(StringComparer.Ordinal);
        var rotations = new List<Task>();
        var agents = new List<NodeAgent>();
        var gate = new Lock();
        // The shared image store imports the seed images while the nodes bootstrap: a node needs it only once it has its pod CIDR.
        var images = LocalAgent.OpenSharedImagesAsync(args, dataDir, logging, clock, shutdown.Token);
        // Every fake node of the process holds the same join token: one client (one connection) carries their certificate requests.
        using var bootstrap = NodeCredentials.CreateBootstrapClient(server, caPem, token, $"fake nodes {names[0]}..{names[^1]}");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // Each node goes from its certificate request to a started agent without waiting for the others.
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = StartParallelism, CancellationToken = shutdown.Token }, async (name, ct) =>
            {
                var nodeDir = Path.Combine(dataDir, name);
                var credentials = await NodeCredentials.EstablishAsync(server, caPem, token, name, nodeDir, null, clock, log, ct, bootstrap);
                var client = credentials.CreateClient(server, caPem);
                lock (gate)
                {
                    clients[name] = client;
                    rotations.Add(credentials.StartRotation(client, clock, log, rotationsStop.Token).Completion);
                    clusterArgs ??= AgentDefaults.WithClusterRangesAsync(args, client, shutdown.Token);
                }
                var agent = await LocalAgent.StartAsync(await clusterArgs, nodeDir, client, logging, clock, ct, requestedPodCidr: null, name, images);
                lock (gate)
                {
                    agents.Add(agent);
                }
            });
            var joinMs = Elapsed(started);
            LogJoined(log, count, server, joinMs);
            Console.WriteLine($"\n{count} fake nodes ({names[0]} … {names[^1]}) joined {server} (data in {dataDir}).\n");
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, shutdown.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            LogStopping(log);
        }
        catch (KubeApiException e) when (e.Code is 401 or 403)
        {
            await Console.Error.WriteLineAsync($"error: the server refused to let the fake nodes join ({e.Code}: {e.Message}); is the join token valid and unexpired?");
            return 1;
        }
        catch (NodeIdentityException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e) when (agents.Count == 0)
        {
            await Console.Error.WriteLineAsync($"error: cannot reach the server at {server}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"error: a fake node could not join {server}: {e.Message}");
            return 1;
        }
        finally
        {
            // Fake containers end with the process; the agents only stop their watches and heartbeats.
            await Task.WhenAll(agents.Select(a => a.DisposeAsync().AsTask()));
            await rotationsStop.CancelAsync();
            await Task.WhenAll(rotations);
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
            // An import cut short by a failed join or a stop ends here; its failure, if any, was the join's.
            await images.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        LogStopped(log);
        return 0;
    }

    private static int Count(string? text) =>
        int.TryParse(text ?? "1", NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= MaxNodes
            ? n
            : throw new ArgumentException($"invalid --fake-nodes \"{text}\": want 1 to {MaxNodes}");

    private static double Elapsed(long started) => System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} fake nodes joined {Server} in {Milliseconds:F0} ms")]
    private static partial void LogJoined(ILogger logger, int count, Uri server, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopped")]
    private static partial void LogStopped(ILogger logger);
}
