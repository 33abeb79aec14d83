using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Axolotl.Api.Net;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using static Axolotl.Proxy.Tests.Standby.StandbySnapshots;
using static Axolotl.Proxy.Tests.Standby.TestConnections;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// sessionAffinity ClientIP's timeout in the nftables-mode table (ADR 0030), in a network namespace playing the node, with
/// the shortest timeout Kubernetes allows but one (timeoutSeconds 2): a client's element in its endpoint's set lives while
/// it connects, and the kernel drops it once the timeout has run, also in the set of an endpoint a hint holds back. No
/// timing is asserted beyond a generous bound on the wait for expiry.
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class KernelTableAffinityExpiryKernelTests
{
    private const int NodePort = 30091;
    private const int Clients = 12;
    private const int TimeoutSeconds = 2;
    private static readonly TimeSpan ExpiryBound = TimeSpan.FromSeconds(30);

    [RootFact]
    public async Task A_client_sticks_while_its_element_lives_and_every_element_expires_after_the_timeout_held_back_set_kept()
    {
        await using var node = await StandbyNamespace.CreateAsync();
        using var stop = new CancellationTokenSource();
        // Three pods on addresses of their own (a hint holds back an address), added to this side of the veth (they go with it).
        var net = node.HostAddress.GetAddressBytes()[2];
        var pods = new[] { 20, 21, 22 }.Select(i => IPAddress.Parse($"198.18.{net}.{i}")).ToArray();
        foreach (var pod in pods)
        {
            await RunAsync("ip", "addr", "add", $"{pod}/32", "dev", node.HostLink);
            Assert.Equal(0, (await node.ExecInsideAsync("ip", "route", "add", $"{pod}/32", "via", node.HostAddress.ToString())).ExitCode);
        }
        var listeners = pods.Select(p => new TcpListener(p, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var serving = Task.WhenAll(listeners.Select((l, i) => AnswerAsync(l.Server, "ABC"[i].ToString(), stop.Token)));
        var endpoints = listeners.Select(l => (IPEndPoint)l.LocalEndpoint).ToArray();
        var frontend = new IPEndPoint(node.NodeAddress, NodePort);
        var snapshot = Build(($"{frontend}", Transport.Tcp, FrontendKind.NodePort,
            new ServiceRoute(new ServicePortName("shop", "cart", ""), [.. endpoints.Select(e => Ready(e.Address.ToString(), e.Port))],
                "node-1", internalLocal: false, externalLocal: false, affinityTimeout: TimeSpan.FromSeconds(TimeoutSeconds))));
        var table = StandbyTable.TableName("axlkatest");
        var setOf = endpoints.Select((e, i) => ("ABC"[i].ToString(), $"aff_0_{Ipv4Cidr.ToUInt(e.Address):x8}_{e.Port}")).ToDictionary();
        var clients = Enumerable.Range(0, Clients).Select(i => IPAddress.Parse($"10.253.{net}.{100 + i}")).ToList();
        foreach (var client in clients)
        {
            Assert.Equal(0, (await node.ExecInsideAsync("ip", "addr", "add", $"{client}/32", "dev", "lo")).ExitCode);
        }
        var ready = StandbyTable.Layout(table, snapshot, ProxyMode.Nftables);
        await ApplyAsync(node, StandbyTable.Render(ready));

        // The Service's timeout is each set's: nft cannot change it in place, and an element added without one never goes.
        var sets = await AffinitySetsAsync(node, table);
        Assert.Equal(setOf.Values.Order(StringComparer.Ordinal), sets.Keys.Order(StringComparer.Ordinal));
        Assert.All(sets.Values, s => Assert.Equal(TimeoutSeconds, s.Timeout));

        var first = new Dictionary<IPAddress, string>();
        foreach (var client in clients)
        {
            // Three connections in a row, well within the timeout: one endpoint (random picks over three would differ
            // with probability 8/9), and the client is an element of that endpoint's set only, with an expiry.
            var answers = new HashSet<string>();
            for (var i = 0; i < 3; i++)
            {
                answers.Add(await AskFromAsync(node, client, frontend));
            }
            Assert.Single(answers);
            first[client] = answers.Single();
            var now = await AffinitySetsAsync(node, table);
            var holding = now.Where(s => s.Value.Elements.ContainsKey(client.ToString())).Select(s => s.Key).ToList();
            Assert.Equal([setOf[first[client]]], holding);
            Assert.InRange(now[setOf[first[client]]].Elements[client.ToString()], 0, TimeoutSeconds);
        }
        // Twelve clients all on one endpoint by chance: 1 in 3^11.
        Assert.True(first.Values.Distinct().Count() > 1, "every client on one endpoint");

        // The agent's hint holds C back: its set stays (its clients would come back to it if it recovered in time).
        var heldBack = StandbyTable.Layout(table, snapshot, ProxyMode.Nftables, knownNotReady: a => a.Equals(pods[2]), previous: ready);
        var change = StandbyTable.Changes(ready, heldBack);
        Assert.DoesNotContain("delete set", change, StringComparison.Ordinal);
        await ApplyAsync(node, change);
        Assert.Contains(setOf["C"], (await AffinitySetsAsync(node, table)).Keys);

        // Nobody connects any more: every element goes once the timeout has run, the held-back set's too; the sets stay.
        var waited = Stopwatch.StartNew();
        var left = await AffinitySetsAsync(node, table);
        while (left.Values.Any(s => s.Elements.Count > 0) && waited.Elapsed < ExpiryBound)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            left = await AffinitySetsAsync(node, table);
        }
        Assert.True(left.Values.All(s => s.Elements.Count == 0),
            $"elements left after {ExpiryBound.TotalSeconds} s: {string.Join(", ", left.Where(s => s.Value.Elements.Count > 0).Select(s => $"{s.Key} {{{string.Join(", ", s.Value.Elements.Keys)}}}"))}");
        Assert.Equal(setOf.Values.Order(StringComparer.Ordinal), left.Keys.Order(StringComparer.Ordinal));

        // Expired, a client is placed afresh among the endpoints left (C is held back) and remembered again.
        foreach (var client in clients)
        {
            var again = await AskFromAsync(node, client, frontend);
            Assert.NotEqual("C", again);
            var holding = (await AffinitySetsAsync(node, table)).Where(s => s.Value.Elements.ContainsKey(client.ToString())).Select(s => s.Key).ToList();
            Assert.Equal([setOf[again]], holding);
        }

        await stop.CancelAsync();
        listeners.ForEach(l => l.Stop());
        await serving;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {errors}");
    }

    private static async Task ApplyAsync(StandbyNamespace node, string script)
    {
        var (code, errors) = await node.NftAsync(script);
        Assert.True(code == 0, $"nft refused:\n{script}\n{errors}");
    }

    /// <summary>An affinity set as the kernel lists it: its timeout and its elements with the seconds each has left.</summary>
    private sealed record AffinitySet(int? Timeout, Dictionary<string, int> Elements);

    /// <summary>The table's affinity sets, read from `nft -j list table` inside the namespace.</summary>
    private static async Task<Dictionary<string, AffinitySet>> AffinitySetsAsync(StandbyNamespace node, string table)
    {
        var psi = new ProcessStartInfo("ip", ["netns", "exec", node.Name, "nft", "-j", "list", "table", "ip", table]) { RedirectStandardOutput = true };
        using var process = Process.Start(psi)!;
        var listing = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        using var doc = JsonDocument.Parse(listing);
        var result = new Dictionary<string, AffinitySet>();
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var set) || set.GetProperty("name").GetString() is not { } name || !name.StartsWith("aff_", StringComparison.Ordinal))
            {
                continue;
            }
            var elements = new Dictionary<string, int>();
            if (set.TryGetProperty("elem", out var elems))
            {
                foreach (var elem in elems.EnumerateArray())
                {
                    // A timed element is {"elem": {"val": ADDRESS, "timeout": T, "expires": E}}; one without a timeout is the bare address.
                    if (elem.ValueKind == JsonValueKind.String)
                    {
                        elements[elem.GetString()!] = int.MaxValue;
                    }
                    else
                    {
                        var inner = elem.GetProperty("elem");
                        elements[inner.GetProperty("val").GetString()!] = inner.TryGetProperty("expires", out var expires) ? expires.GetInt32() : int.MaxValue;
                    }
                }
            }
            result[name] = new AffinitySet(set.TryGetProperty("timeout", out var timeout) ? timeout.GetInt32() : null, elements);
        }
        return result;
    }

    /// <summary>One connection from <paramref name="source"/> (an address of the node's), read to the end: "A", "B" or "C".</summary>
    private static Task<string> AskFromAsync(StandbyNamespace node, IPAddress source, IPEndPoint frontend) =>
        node.RunInsideAsync(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Bind(new IPEndPoint(source, 0));
            await client.ConnectAsync(frontend, timeout.Token);
            return (await ReadToEndAsync(client)).Split(' ')[0];
        });
}
