using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// A client machine beside the node: a network namespace joined to the host by a veth pair, its default
/// route through the host, so its connections to node ports and cluster IPs arrive at the node from
/// outside (prerouting), as another machine's would. Requests run on a thread that joined the namespace,
/// each on a new connection. Named after the test process; removed on dispose. Never leaves the machine.
/// </summary>
internal sealed partial class OutsideClient : IAsyncDisposable
{
    private const int CloneNewNet = 0x40000000;

    private OutsideClient(int id)
    {
        Name = $"axlcl{id}";
        HostLink = $"axlclh{id}";
        HostAddress = $"10.252.{id % 250}.1";
        Address = $"10.252.{id % 250}.2";
    }

    public string Name { get; }

    public string HostLink { get; }

    public string HostAddress { get; }

    public string Address { get; }

    public static async Task<OutsideClient> CreateAsync()
    {
        var client = new OutsideClient(Environment.ProcessId % 10000);
        await client.DisposeAsync();
        await OkAsync("ip", "netns", "add", client.Name);
        await OkAsync("ip", "link", "add", client.HostLink, "type", "veth", "peer", "name", "eth0", "netns", client.Name);
        await OkAsync("ip", "addr", "add", $"{client.HostAddress}/30", "dev", client.HostLink);
        await OkAsync("ip", "link", "set", client.HostLink, "up");
        await OkAsync("ip", "-n", client.Name, "addr", "add", $"{client.Address}/30", "dev", "eth0");
        await OkAsync("ip", "-n", client.Name, "link", "set", "eth0", "up");
        await OkAsync("ip", "-n", client.Name, "link", "set", "lo", "up");
        await OkAsync("ip", "-n", client.Name, "route", "add", "default", "via", client.HostAddress);
        return client;
    }

    /// <summary>One request's outcome: when it started and ended (on <paramref name="clock"/>), and the body or the error.</summary>
    public sealed record Request(TimeSpan Started, TimeSpan Ended, bool Ok, string Outcome);

    /// <summary>GET / on a new connection, over and over from inside the namespace, until <paramref name="ct"/> is cancelled.</summary>
    public Task<List<Request>> RequestUntilAsync(IPEndPoint target, Stopwatch clock, CancellationToken ct)
    {
        var done = new TaskCompletionSource<List<Request>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Join();
                var requests = new List<Request>();
                while (!ct.IsCancellationRequested)
                {
                    var started = clock.Elapsed;
                    var (ok, outcome) = Get(target);
                    requests.Add(new Request(started, clock.Elapsed, ok, outcome));
                    if (!ok)
                    {
                        // A refused connect returns at once: do not spin.
                        Thread.Sleep(20);
                    }
                }
                done.SetResult(requests);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "outside-client" };
        thread.Start();
        return done.Task;
    }

    /// <summary>One GET / on a new connection from inside the namespace (for waiting until the path works).</summary>
    public Task<(bool Ok, string Outcome)> GetOnceAsync(IPEndPoint target)
    {
        var done = new TaskCompletionSource<(bool, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Join();
                done.SetResult(Get(target));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true };
        thread.Start();
        return done.Task;
    }

    private void Join()
    {
        using var handle = File.OpenHandle(Path.Combine("/run/netns", Name));
        if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
        {
            throw new InvalidOperationException($"setns({Name}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static (bool Ok, string Outcome) Get(IPEndPoint target)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000, SendTimeout = 5000 };
            var connect = socket.BeginConnect(target, null, null);
            if (!connect.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)))
            {
                return (false, "connect timeout");
            }
            socket.EndConnect(connect);
            socket.Send("GET / HTTP/1.0\r\n\r\n"u8);
            var response = new StringBuilder();
            var buffer = new byte[4096];
            int read;
            while ((read = socket.Receive(buffer)) > 0)
            {
                response.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            var text = response.ToString();
            return text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Contains(" 200 ", StringComparison.Ordinal)
                ? (true, text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Trim())
                : (false, text.Length == 0 ? "closed without an answer" : text.Split('\n')[0].Trim());
        }
        catch (SocketException e)
        {
            return (false, e.SocketErrorCode.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.RunAsync("ip", ["link", "del", HostLink], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["netns", "del", Name], timeout: TimeSpan.FromSeconds(10));
    }

    private static async Task OkAsync(string file, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(file, args, timeout: TimeSpan.FromSeconds(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
