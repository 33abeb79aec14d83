using Microsoft.Win32.SafeHandles;

namespace Axolotl.Agent.Volumes.Confined;

/// <summary>
/// Resolves a path inside a volume the pod can write, one component at a time, as the kubelet's
/// subpath code does (CVE-2017-1002101, CVE-2021-25741): each name is opened O_PATH|O_NOFOLLOW in
/// the directory the walk holds open, a symlink's target is read and walked by the same rules, ".."
/// goes back to a directory the walk itself holds (never the kernel's "..", which a rename could
/// move out of the volume), and an absolute target counts only when it names a path inside the
/// volume by its node path. What the walk opens is therefore inside the volume whatever the pod
/// renames meanwhile; a target that leaves it is refused with <see cref="PathOutsideVolumeException"/>.
/// </summary>
internal static class VolumePath
{
    /// <summary>Linux's own limit on symlinks in one lookup.</summary>
    public const int MaxLinks = 40;

    /// <summary>A pod that removes each directory as soon as it is made gets a refusal, not a loop.</summary>
    private const int MaxCreateAttempts = 16;

    /// <summary>
    /// Opens <paramref name="relative"/> inside the directory <paramref name="root"/>. With
    /// <paramref name="create"/>, missing directories are made with that mode (as the kubelet makes a
    /// missing subPath: the mode exactly, umask aside); otherwise a missing one throws
    /// <see cref="FileNotFoundException"/>.
    /// </summary>
    public static ResolvedPath Open(string root, string relative, UnixFileMode? create = null)
    {
        var rootHandle = Descriptors.OpenDirectory(root);
        var walk = new Stack<(SafeFileHandle Handle, string Name)>();
        try
        {
            var rootNodePath = Descriptors.NodePath(rootHandle);
            var pending = new Stack<string>();
            PushFront(pending, relative);
            var links = 0;
            var creates = 0;
            while (pending.TryPop(out var name))
            {
                if (name is "" or ".")
                {
                    continue;
                }
                if (name == "..")
                {
                    if (!walk.TryPop(out var up))
                    {
                        throw new PathOutsideVolumeException(relative);
                    }
                    up.Handle.Dispose();
                    continue;
                }

                var parent = walk.TryPeek(out var top) ? top.Handle : rootHandle;
                var handle = Descriptors.OpenNoFollow(parent, name, out var errno);
                if (handle is null)
                {
                    if (errno == Descriptors.ENOENT && create is { } mode && creates++ < MaxCreateAttempts)
                    {
                        MakeDirectory(parent, name, mode);
                        pending.Push(name);
                        continue;
                    }
                    throw errno == Descriptors.ENOENT
                        ? new FileNotFoundException($"{relative} does not exist in the volume")
                        : new IOException($"cannot open {name} in the volume: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}", errno);
                }

                var status = Descriptors.Status(handle);
                if (status.IsLink)
                {
                    string target;
                    using (handle)
                    {
                        target = Descriptors.ReadLink(handle);
                    }
                    if (++links > MaxLinks)
                    {
                        throw new IOException($"{relative}: too many levels of symbolic links", Descriptors.ELOOP);
                    }
                    if (target.StartsWith('/'))
                    {
                        // The kubelet's rule: a link may name the volume by its node path, nothing else absolute.
                        if (target != rootNodePath && !target.StartsWith(rootNodePath + "/", StringComparison.Ordinal))
                        {
                            throw new PathOutsideVolumeException(relative);
                        }
                        Unwind(walk);
                        target = target[rootNodePath.Length..];
                    }
                    PushFront(pending, target);
                    continue;
                }
                if (!status.IsDirectory && pending.Any(n => n is not ("" or ".")))
                {
                    handle.Dispose();
                    throw new IOException($"{relative}: {name} is not a directory", Descriptors.ENOTDIR);
                }
                walk.Push((handle, name));
            }

            if (walk.Count == 0)
            {
                var result = new ResolvedPath(rootHandle, "");
                rootHandle = null;
                return result;
            }
            var names = string.Join('/', walk.Reverse().Select(w => w.Name));
            var (last, _) = walk.Pop();
            return new ResolvedPath(last, names);
        }
        finally
        {
            Unwind(walk);
            rootHandle?.Dispose();
        }
    }

    /// <summary>mkdirat, then the exact mode through the new directory's own descriptor (mkdir's mode passes the umask).</summary>
    private static void MakeDirectory(SafeFileHandle parent, string name, UnixFileMode mode)
    {
        var errno = Descriptors.MakeDirectory(parent, name, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (errno == Descriptors.EEXIST)
        {
            return; // made meanwhile (by the pod, perhaps): the walk looks at it like anything else
        }
        if (errno != 0)
        {
            throw new IOException($"cannot create {name} in the volume: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        using var made = Descriptors.OpenNoFollow(parent, name, out _);
        // Swapped for something else at once: the walk finds that and judges it; only our directory gets the mode.
        if (made is not null && Descriptors.Status(made) is { IsDirectory: true })
        {
            Descriptors.ChangeMode(made, mode);
        }
    }

    /// <summary>Puts the components of path before what is pending, in order.</summary>
    private static void PushFront(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    private static void Unwind(Stack<(SafeFileHandle Handle, string Name)> walk)
    {
        while (walk.TryPop(out var entry))
        {
            entry.Handle.Dispose();
        }
    }
}

/// <summary>An open descriptor inside a volume and its path relative to the volume's root, free of symlinks and "..".</summary>
internal sealed class ResolvedPath(SafeFileHandle handle, string relative) : IDisposable
{
    public SafeFileHandle Handle { get; } = handle;

    /// <summary>"" for the volume's root itself.</summary>
    public string Relative { get; } = relative;

    public void Dispose() => Handle.Dispose();
}

/// <summary>A path (through its symlinks) leads out of the volume.</summary>
internal sealed class PathOutsideVolumeException(string path) : IOException($"{path} leads outside the volume");
