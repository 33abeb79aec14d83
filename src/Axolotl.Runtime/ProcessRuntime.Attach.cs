using System.Net.Sockets;
using System.Text;
using Axolotl.Runtime.Attach;

namespace Axolotl.Runtime;

/// <summary>
/// pods/attach on the native launcher: every container it starts listens on an attach socket
/// (Runtime/Native/attach.h) in the state directory, which outlives an agent restart with the launcher.
/// </summary>
// Re-implements the interface: the base class maps AttachAsync to the interface's default (not supported).
public sealed partial class ProcessRuntime : IContainerRuntime
{
    /// <summary>sockaddr_un's sun_path holds 108 bytes with the terminating NUL.</summary>
    private const int MaxSocketPath = 107;

    /// <summary>Where the container <paramref name="id"/>'s launcher listens; null when the path would not fit a Unix socket address.</summary>
    internal string? AttachSocketFor(string id)
    {
        var directory = Path.Combine(Options.StateDirectory, "attach");
        var path = Path.Combine(directory, id);
        if (Encoding.UTF8.GetByteCount(path) > MaxSocketPath)
        {
            return null;
        }

        if (!Directory.Exists(directory))
        {
            // Only root (the agent) may reach a container's stdin.
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>The pid namespace file of the container <see cref="ContainerSpec.PidNamespaceOf"/> names, which must be running.</summary>
    private string? PidNamespaceFor(string podUid, ContainerSpec spec)
    {
        if (spec.PidNamespaceOf is not { } target)
        {
            return null;
        }

        if (_tools.Launcher is null)
        {
            throw new ContainerStartException("sharing a container's process namespace needs the native launcher (axolotl-launch; build with gcc installed)", 128);
        }

        if (target == PodInitName)
        {
            return FindPodInit(Cgroups.Open(PodInitCgroupPath(podUid))) is { } holder
                ? FormattableString.Invariant($"/proc/{holder}/ns/pid")
                : throw new ContainerStartException("the pod's shared process namespace is gone (its init ended); the pod's sandbox must be made again", 128);
        }

        var init = FindInit(Cgroups.Open($"{Options.CgroupRoot}/{podUid}/{target}"))
            ?? throw new ContainerStartException($"the target container {target} is not running", 128);
        return FormattableString.Invariant($"/proc/{init}/ns/pid");
    }

    public async Task AttachAsync(ContainerHandle handle, AttachSpec spec, CancellationToken ct)
    {
        var tracked = await FindAsync(handle, ct);
        if (tracked is null || tracked.Exited.IsCompleted)
        {
            throw new InvalidOperationException($"container {handle.Name} is not running");
        }

        var path = AttachSocketFor(handle.Id);
        if (path is null || !File.Exists(path))
        {
            // Started through the shell chain (no native launcher), which has no attach socket.
            throw new NotSupportedException($"container {handle.Name} was not started with an attach socket (the native launcher axolotl-launch is needed)");
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
        }
        catch (SocketException)
        {
            // The launcher removes its socket as the container's output ends: it has just exited.
            throw new InvalidOperationException($"container {handle.Name} is not running");
        }

        await using var connection = new NetworkStream(socket, ownsSocket: false);
        await AttachSession.RunAsync(connection, spec, ct);
    }
}
