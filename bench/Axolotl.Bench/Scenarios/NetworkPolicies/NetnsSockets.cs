using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Axolotl.Bench.Scenarios.NetworkPolicies;

/// <summary>
/// Makes TCP sockets inside another process's network namespace (a pod's), so the bench's own clients send
/// from the pod's address through the node's policy chains. A socket belongs to the namespace of the thread
/// that created it, for life; so one dedicated thread enters the namespace (setns) and creates every socket,
/// and the sockets are then used from any thread. The thread never returns to the pool.
/// </summary>
internal sealed partial class NetnsSockets : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly BlockingCollection<TaskCompletionSource<Socket>> _requests = [];
    private readonly Thread _thread;
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NetnsSockets(int pid)
    {
        _thread = new Thread(() => Serve(pid)) { IsBackground = true, Name = $"netns of {pid}" };
        _thread.Start();
    }

    /// <summary>Enters the network namespace of <paramref name="pid"/> on a thread of its own.</summary>
    public static async Task<NetnsSockets> EnterAsync(int pid)
    {
        var sockets = new NetnsSockets(pid);
        try
        {
            await sockets._entered.Task;
            return sockets;
        }
        catch
        {
            sockets.Dispose();
            throw;
        }
    }

    /// <summary>A new, unconnected TCP socket in the namespace.</summary>
    public Task<Socket> NewAsync()
    {
        var request = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add(request);
        return request.Task;
    }

    private void Serve(int pid)
    {
        try
        {
            using (var ns = File.OpenHandle($"/proc/{pid}/ns/net"))
            {
                if (SetNs(ns.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                {
                    throw new IOException($"setns into the network namespace of PID {pid} failed: errno {Marshal.GetLastPInvokeError()}");
                }
            }
            _entered.SetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _entered.SetException(e);
            return;
        }
        foreach (var request in _requests.GetConsumingEnumerable())
        {
            try
            {
                request.SetResult(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
            }
            catch (SocketException e)
            {
                request.SetException(e);
            }
        }
    }

    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _requests.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
