using System.Text;

namespace Axolotl.Agent.Logs;

/// <summary>
/// Serves one container instance's log as kubectl logs wants it: tail, since, timestamps, limit
/// and follow. Reads the rotated chunk (".1") before the live file and survives a rotation while
/// following. Used by the API server's pods/log proxy.
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
        var rotated = LogPaths.RotatedOf(path);
        if (File.Exists(rotated))
        {
            ReadLines(rotated, 0, lines);
        }
        var position = File.Exists(path) ? ReadLines(path, 0, lines) : 0;

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

        var instance = Path.GetFileNameWithoutExtension(path);
        while (!ct.IsCancellationRequested)
        {
            var running = instanceRunning?.Invoke() ?? true;
            lines.Clear();
            var length = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (length < position)
            {
                // Rotated (copy + truncate) under us: the rest of what we had not read is now in ".1".
                if (File.Exists(rotated))
                {
                    ReadLines(rotated, position, lines);
                }
                position = 0;
            }
            position = ReadLines(path, position, lines);
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

    /// <summary>Appends the complete lines after <paramref name="from"/>; returns the offset after the last complete line.</summary>
    private static long ReadLines(string path, long from, List<string> into)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (from > stream.Length)
        {
            return stream.Length;
        }
        stream.Position = from;
        var buffer = new byte[stream.Length - from];
        stream.ReadExactly(buffer);
        var consumed = 0;
        for (var i = 0; i < buffer.Length; i++)
        {
            if (buffer[i] == (byte)'\n')
            {
                into.Add(Encoding.UTF8.GetString(buffer, consumed, i - consumed));
                consumed = i + 1;
            }
        }
        return from + consumed;
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
