using System.Security.Cryptography;
using System.Text;

namespace Axolotl.Runtime;

/// <summary>
/// The container's environment as a root-only file of the runtime's state (containerd keeps it in the
/// bundle's config.json): the launcher reads it on the node and gives it to the container's command
/// (and to an exec's) at its execve, and to nothing else. Every process the agent starts on the node
/// for a pod gets <see cref="Clean"/> instead: a pod's LD_PRELOAD, LD_LIBRARY_PATH, GCONV_PATH, ENV or
/// BASH_ENV would otherwise make that root process load or run files of the pod's choosing (issue 31).
/// The file is named by its content, so restarts with the same spec reuse it (no write on the restart
/// path), it outlives an agent restart (exec of a re-adopted container reads it), and it goes with the
/// pod's state directory.
/// </summary>
internal static class ContainerEnvironment
{
    /// <summary>What a process on the node gets: a fixed PATH, nothing of any pod's.</summary>
    public static IReadOnlyDictionary<string, string> Clean { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PATH"] = LinuxProcess.DefaultPath,
    };

    /// <summary>Replaces <paramref name="target"/>'s variables with <see cref="Clean"/>'s and <paramref name="extra"/>.</summary>
    public static void ApplyClean(IDictionary<string, string?> target, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        target.Clear();
        foreach (var (key, value) in Clean.Concat(extra ?? []))
        {
            target[key] = value;
        }
    }

    /// <summary>
    /// "NAME=value" entries each ended by a NUL: what the launcher's --env-file reads (container-env.c);
    /// for the shell chain (<paramref name="forShell"/>) each entry is one shell-quoted word instead, for
    /// its "env -i" inside the container.
    /// </summary>
    public static byte[] Encode(IReadOnlyDictionary<string, string> environment, bool forShell = false)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in environment.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // A NUL cannot be passed to execve; "=" in a name would change the name the command sees.
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ContainerStartException($"invalid environment variable name or value: {key}", 128);
            }

            if (forShell)
            {
                text.Append(ProcessRuntime.ShellQuote($"{key}={value}")).Append(' ');
            }
            else
            {
                text.Append(key).Append('=').Append(value).Append('\0');
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The entries of a file <see cref="Encode"/> wrote (or of /proc/PID/environ).</summary>
    public static Dictionary<string, string> Decode(ReadOnlySpan<byte> bytes)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Encoding.UTF8.GetString(bytes).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[entry[..eq]] = entry[(eq + 1)..];
            }
        }

        return result;
    }

    /// <summary>
    /// The file for <paramref name="environment"/> in the pod's state ("pods/UID/containers/NAME-HASH.env",
    /// 0600): written once, when no attempt with the same environment wrote it before.
    /// </summary>
    public static string Write(string stateDirectory, string podUid, string name, IReadOnlyDictionary<string, string> environment, bool forShell = false)
    {
        var bytes = Encode(environment, forShell);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12));
        var path = Path.Combine(stateDirectory, "pods", podUid, "containers", $"{name}-{hash}.env");
        if (File.Exists(path))
        {
            return path;
        }

        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{name}-{hash}.{Guid.NewGuid():N}.tmp");
        // Created 0600 from the start: the values may be secrets, and no other user may read them in between.
        using (var file = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            file.Write(bytes);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
