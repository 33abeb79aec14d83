using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Traffic;

namespace Axolotl.Bench.Scenarios.NetworkPolicies;

/// <summary>
/// Issue 36's cost of 1,000 NetworkPolicies, pod to pod on one node: clients in the client pod's network
/// namespace (a new connection per request, so every request's first packet meets the policy chains) against
/// the web pod, with no policy, with one (the web pod isolated, the client allowed), and with 1,000 selecting
/// the web pod (999 decoys whose ipBlocks and ports add real rules). Reported per case: throughput, request
/// latency, and connect time (SYN to established, the first packet's round trip); and how long a policy change
/// takes to reach the kernel with 1 and with 1,000 policies in place (the intruder pod allowed → its first
/// successful connection).
/// </summary>
internal sealed class NetworkPolicyCostScenario : IScenario
{
    private const int Clients = 16;
    private const int Decoys = 999;

    public string Name => "netpol-cost";

    public string Description => $"{Clients} clients from a pod to a pod on one node with 0, 1 and 1,000 NetworkPolicies: throughput, connect time, and policy change → enforced";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 180 : 420);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var round = TimeSpan.FromSeconds(context.Quick ? 4 : 15);
        var cap = context.Quick ? 200_000 : 1_000_000;
        await using var node = await NodeServer.StartAsync(context, ct);
        using var api = context.Connect(node.Server);
        await node.WaitNodeReadyAsync(api, ct);
        await PolicyWorkload.CreateAsync(api, ct);
        var pods = await PolicyWorkload.ReadyAsync(api, TimeSpan.FromSeconds(90), ct);
        var web = new IPEndPoint(pods["web"].Ip, PolicyWorkload.Port);
        using var client = await NetnsSockets.EnterAsync(pods["client"].Pid);
        using var intruder = await NetnsSockets.EnterAsync(pods["intruder"].Pid);
        await LoadGenerator.RunAsync(4, _ => web, TimeSpan.FromSeconds(1), 2_000, ct, client.NewAsync);

        var rates = new List<double>();
        rates.Add(await MeasureAsync(report, "no policy", web, client, round, cap, ct));

        await PolicyWorkload.AllowAsync(api, "client", ct);
        await WaitAsync(() => ConnectsAsync(intruder, web, ct), connects => !connects, "the web pod isolated from the intruder", ct);
        report.Add(await PolicyChangeAsync(context, api, intruder, web, "1 policy", ct), "allow-intruder created → the intruder's first successful connection");
        rates.Add(await MeasureAsync(report, "1 policy (client allowed)", web, client, round, cap, ct));

        var created = Stopwatch.GetTimestamp();
        var index = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Decoys), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) =>
            {
                await PolicyWorkload.DecoyAsync(api, i, token);
                Interlocked.Increment(ref index);
            });
        context.Log($"{Name}: {index} decoy policies created in {Stopwatch.GetElapsedTime(created).TotalSeconds:F1} s");
        report.Add($"{Decoys} decoy policies created (8 at a time)", Stopwatch.GetElapsedTime(created).TotalMilliseconds, "ms");
        report.Add("rules in the node's policy table", await RuleCountAsync(node.Bridge, ct), "rules", "lines of `nft list table` that return or drop: the decoys are compiled, not skipped");
        report.Add(await PolicyChangeAsync(context, api, intruder, web, $"{Decoys + 2} policies", ct), "allow-intruder created → the intruder's first successful connection");
        rates.Add(await MeasureAsync(report, $"{Decoys + 1} policies (client allowed, {Decoys} decoys)", web, client, round, cap, ct));

        report.Add("throughput with 1 policy ÷ none", rates[1] / rates[0], "×");
        report.Add($"throughput with {Decoys + 1} policies ÷ none", rates[2] / rates[0], "×");
        context.Log($"{Name}: {rates[0]:F0}/s with none, {rates[1]:F0}/s with 1, {rates[2]:F0}/s with {Decoys + 1}");
    }

    private static async Task<int> RuleCountAsync(string bridge, CancellationToken ct)
    {
        using var nft = Process.Start(new ProcessStartInfo("nft", ["list", "table", "inet", $"axolotl_netpol_{bridge}"]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("cannot start nft");
        var text = await nft.StandardOutput.ReadToEndAsync(ct);
        await nft.WaitForExitAsync(ct);
        return text.Split('\n').Count(l => l.TrimEnd().EndsWith("return", StringComparison.Ordinal) || l.TrimEnd().EndsWith("drop", StringComparison.Ordinal));
    }

    /// <summary>One round of load from the client pod; records request latency, connect time and failures; returns requests per second.</summary>
    private static async Task<double> MeasureAsync(ScenarioReport report, string label, IPEndPoint web, NetnsSockets client, TimeSpan round, int cap, CancellationToken ct)
    {
        var samples = await LoadGenerator.RunAsync(Clients, _ => web, round, cap, ct, client.NewAsync);
        var rate = LoadPhases.Record(report, label, samples, "from the client pod, a new connection per request");
        var connect = new LatencySamples($"{label}: connect (SYN → established, the first packet's round trip)");
        foreach (var s in samples.Where(s => s.Error is null && s.ConnectedMicros > 0))
        {
            connect.AddMilliseconds((s.ConnectedMicros - s.StartedMicros) / 1000.0);
        }
        report.Add(connect, "the client's realtime stamps around its connect call");
        return rate;
    }

    /// <summary>Creates allow-intruder, times until the intruder connects, then deletes it and waits until it is refused again.</summary>
    private static async Task<LatencySamples> PolicyChangeAsync(BenchContext context, Infrastructure.ApiClient api, NetnsSockets intruder, IPEndPoint web, string label, CancellationToken ct)
    {
        var samples = new LatencySamples($"policy change → enforced, with {label} in place");
        for (var i = 0; i < (context.Quick ? 3 : 10); i++)
        {
            var sent = Stopwatch.GetTimestamp();
            await PolicyWorkload.AllowAsync(api, "intruder", ct);
            var done = await FirstConnectionAsync(intruder, web, ct);
            samples.Add(sent, done);
            await PolicyWorkload.DisallowAsync(api, "intruder", ct);
            await WaitAsync(() => ConnectsAsync(intruder, web, ct), connects => !connects, "the intruder refused again", ct);
        }
        return samples;
    }

    /// <summary>Whether a connection from the namespace gets established within 300 ms (a dropped SYN does not).</summary>
    private static async Task<bool> ConnectsAsync(NetnsSockets from, IPEndPoint to, CancellationToken ct)
    {
        using var socket = await from.NewAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(300));
        try
        {
            await socket.ConnectAsync(to, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>
    /// Starts a connection attempt every 10 ms (each given 300 ms, as a dropped SYN is only resent after 1 s)
    /// until one is established; returns the Stopwatch timestamp of the first that was.
    /// </summary>
    private static async Task<long> FirstConnectionAsync(NetnsSockets from, IPEndPoint to, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var attempts = new List<Task<long?>>();
        try
        {
            while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
            {
                attempts.Add(AttemptAsync());
                await Task.Delay(10, ct);
                if (attempts.Where(a => a.IsCompletedSuccessfully && a.Result is not null).Select(a => a.Result!.Value).DefaultIfEmpty().Min() is var first and > 0)
                {
                    return first;
                }
            }
            throw new TimeoutException("waited 60 s for the intruder's first connection");
        }
        finally
        {
            await Task.WhenAll(attempts);
        }

        async Task<long?> AttemptAsync() => await ConnectsAsync(from, to, ct) ? Stopwatch.GetTimestamp() : null;
    }

    /// <summary>Polls every 10 ms; returns the Stopwatch timestamp of the first poll whose answer is done.</summary>
    private static async Task<long> WaitAsync(Func<Task<bool>> poll, Func<bool, bool> done, string what, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (done(await poll()))
            {
                return Stopwatch.GetTimestamp();
            }
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }
            await Task.Delay(10, ct);
        }
    }
}
