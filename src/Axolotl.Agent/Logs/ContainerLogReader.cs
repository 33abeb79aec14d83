using System.Text;
using Axolotl.Runtime.Logs;

namespace Axolotl.Agent.Logs;

/// <summary>
/// Serves one container instance's log as kubectl logs wants it: tail, since, timestamps, limit
/// and follow, over CRI lines (the native launcher) and plain ones (the shell chain). Reads the
/// rotated chunk (".1") before the live file and survives either kind of rotation while following.
/// Used by the API server's pods/log proxy.
/// </summary>
public sealed class ContainerLogReader(LogPaths paths, TimeProvider time)
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The log file of the current (highest restart count) or previous instance. Throws
    /// <see cref="LogNotFoundException"/> with upstream's wording when there is none.
    /// </summary>
    public string ResolveInstance(string podUid, string podName, string container, bool previous)
    {
        var instances = paths.Instances(podUid, container);
        if (previous)
        {
            if (instances.Count < 2)
            {
                throw new LogNotFoundException($"previous terminated container \"{container}\" in pod \"{podName}\" not found");
            }
            return paths.InstanceLog(podUid, container, instances[^2]);
        }
        if (instances.Count == 0)
        {
            throw new LogNotFoundException($"container \"{container}\" in pod \"{podName}\" is waiting to start: ContainerCreating");
        }
        return paths.InstanceLog(podUid, container, instances[^1]);
    }

    /// <summary>
    /// Writes the chosen instance's log to <paramref name="output"/>. With Follow, keeps going until
    /// <paramref name="instanceRunning"/> says the instance has ended (and everything is written),
    /// a newer instance appears, or <paramref name="ct"/> is cancelled.
    /// </summary>
    public async Task CopyAsync(string podUid, string podName, string container, LogReadOptions options, Stream output, Func<bool>? instanceRunning, CancellationToken ct)
    {
        var path = ResolveInstance(podUid, podName, container, options.Previous);
        var writer = new LineWriter(output, options);
        var lines = new List<string>();
        var rotated = RotatedLog.PathOf(path);
        // The live file first: should the launcher rotate right now, the file we hold is the one that
        // becomes ".1", and reading it twice is avoided by comparing identities.
        using var live = OpenShared(path);
        var liveIdentity = live is null ? null : FileIdentity.Of(live.SafeFileHandle);
        using (var old = OpenShared(rotated))
        {
            if (old is not null && (liveIdentity is null || FileIdentity.Of(old.SafeFileHandle) != liveIdentity))
            {
                ReadLines(old, lines);
            }
        }
        if (live is not null)
        {
            ReadLines(live, lines);
        }

        var start = options.TailLines is >= 0 ? Math.Max(0, lines.Count - (int)Math.Min(options.TailLines.Value, int.MaxValue)) : 0;
        for (var i = start; i < lines.Count; i++)
        {
            if (!await writer.WriteAsync(lines[i], ct))
            {
                return;
            }
        }
        await output.FlushAsync(ct);
        if (!options.Follow || options.Previous)
        {
            return;
        }

        await FollowAsync(podUid, container, path, live, writer, output, instanceRunning, ct);
    }

    /// <summary>
    /// Streams what is appended to <paramref name="path"/> across both kinds of rotation: rename
    /// (the native launcher: the file we hold becomes ".1" and the path names a new file; we drain
    /// the old one, then switch) and copy-truncate (the agent's rotator for plain logs: the file
    /// shrinks, and what we had not read yet is in ".1" from our offset on).
    /// </summary>
    private async Task FollowAsync(string podUid, string container, string path, FileStream? held, LineWriter writer, Stream output, Func<bool>? instanceRunning, CancellationToken ct)
    {
        var instance = Path.GetFileNameWithoutExtension(path);
        var rotated = RotatedLog.PathOf(path);
        var live = held;
        var lines = new List<string>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var running = instanceRunning?.Invoke() ?? true;
                lines.Clear();
                live ??= OpenShared(path);
                if (live is not null)
                {
                    if (live.Length < live.Position)
                    {
                        using var old = OpenShared(rotated);
                        if (old is not null && old.Length >= live.Position)
                        {
                            old.Position = live.Position;
                            ReadLines(old, lines);
                        }
                        live.Position = 0;
                    }
                    ReadLines(live, lines);
                    if (FileIdentity.Of(path) is { } current && FileIdentity.Of(live.SafeFileHandle) != current)
                    {
                        // Renamed away: the launcher writes no more to it; finish it and take the new file.
                        ReadLines(live, lines);
                        if (live != held)
                        {
                            await live.DisposeAsync();
                        }
                        live = OpenShared(path);
                        if (live is not null)
                        {
                            ReadLines(live, lines);
                        }
                    }
                }
                foreach (var line in lines)
                {
                    if (!await writer.WriteAsync(line, ct))
                    {
                        return;
                    }
                }
                if (lines.Count > 0)
                {
                    await output.FlushAsync(ct);
                }
                var newest = paths.Instances(podUid, container);
                var superseded = newest.Count > 0 && newest[^1].ToString(System.Globalization.CultureInfo.InvariantCulture) != instance;
                if (!running || superseded)
                {
                    return;
                }
                try
                {
                    await Task.Delay(FollowPoll, time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            if (live is not null && live != held)
            {
                await live.DisposeAsync();
            }
        }
    }

    private static FileStream? OpenShared(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Appends the complete lines from the stream's position on and leaves the position after the
    /// last of them, so a line still being written is read whole next time.
    /// </summary>
    private static void ReadLines(FileStream stream, List<string> into)
    {
        var from = stream.Position;
        var length = stream.Length;
        if (from >= length)
        {
            return;
        }
        var buffer = new byte[length - from];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var consumed = 0;
        for (var i = 0; i < read; i++)
        {
            if (buffer[i] == (byte)'\n')
            {
                into.Add(Encoding.UTF8.GetString(buffer, consumed, i - consumed));
                consumed = i + 1;
            }
        }
        stream.Position = from + consumed;
    }

    /// <summary>Applies since/timestamps/limit to stored lines and joins CRI partial lines.</summary>
    private sealed class LineWriter(Stream output, LogReadOptions options)
    {
        private long _written;
        private bool _inPartial;

        public async ValueTask<bool> WriteAsync(string stored, CancellationToken ct)
        {
            var line = LogLine.Parse(stored);
            if (options.SinceTime is { } since && line.Timestamp is { } at && at < since)
            {
                return true;
            }
            var text = new StringBuilder();
            if (options.Timestamps && !_inPartial && line.Timestamp is { } ts)
            {
                text.Append(LogLine.FormatTimestamp(ts)).Append(' ');
            }
            text.Append(line.Text);
            if (!line.Partial)
            {
                text.Append('\n');
            }
            _inPartial = line.Partial;
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            if (options.LimitBytes is > 0 && _written + bytes.Length > options.LimitBytes.Value)
            {
                var room = (int)(options.LimitBytes.Value - _written);
                await output.WriteAsync(bytes.AsMemory(0, room), ct);
                _written += room;
                return false;
            }
            await output.WriteAsync(bytes, ct);
            _written += bytes.Length;
            return true;
        }
    }
}
