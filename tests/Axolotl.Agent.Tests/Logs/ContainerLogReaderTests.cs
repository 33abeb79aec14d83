using System.Text;
using Axolotl.Agent.Logs;

namespace Axolotl.Agent.Tests.Logs;

public sealed class ContainerLogReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-logs-").FullName;
    private static readonly DateTimeOffset T0 = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LogPaths Paths => new(_dir);

    private void WriteInstance(int restart, params (int Second, string Text)[] lines)
    {
        var path = Paths.InstanceLog("uid", "app", restart);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, lines.Select(l => LogLine.Format(T0.AddSeconds(l.Second), "stdout", false, l.Text)));
    }

    private async Task<string> ReadAsync(LogReadOptions options)
    {
        using var output = new MemoryStream();
        await new ContainerLogReader(Paths, TimeProvider.System).CopyAsync("uid", "web", "app", options, output, () => false, CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public async Task The_current_instance_is_served_without_timestamps_by_default()
    {
        WriteInstance(0, (1, "old"));
        WriteInstance(1, (2, "hello"), (3, "world"));

        Assert.Equal("hello\nworld\n", await ReadAsync(new LogReadOptions()));
    }

    [Fact]
    public async Task Previous_serves_the_instance_before_and_fails_when_there_is_none()
    {
        WriteInstance(0, (1, "killed one"));
        await Assert.ThrowsAsync<LogNotFoundException>(() => ReadAsync(new LogReadOptions { Previous = true }));

        WriteInstance(1, (2, "new one"));
        Assert.Equal("killed one\n", await ReadAsync(new LogReadOptions { Previous = true }));
    }

    [Fact]
    public async Task Tail_since_timestamps_and_limit_bytes_filter_the_lines()
    {
        WriteInstance(0, (1, "a"), (2, "b"), (3, "c"), (4, "d"));

        Assert.Equal("c\nd\n", await ReadAsync(new LogReadOptions { TailLines = 2 }));
        Assert.Equal("c\nd\n", await ReadAsync(new LogReadOptions { SinceTime = T0.AddSeconds(3) }));
        Assert.Equal("2025-05-01T12:00:04.000000000Z d\n", await ReadAsync(new LogReadOptions { TailLines = 1, Timestamps = true }));
        Assert.Equal("a\nb", await ReadAsync(new LogReadOptions { LimitBytes = 3 }));
    }

    [Fact]
    public async Task Plain_lines_written_by_a_process_are_served_as_they_are()
    {
        var path = Paths.InstanceLog("uid", "app", 0);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "plain 1\nplain 2\n");

        Assert.Equal("plain 2\n", await ReadAsync(new LogReadOptions { TailLines = 1, Timestamps = true }));
    }

    [Fact]
    public async Task A_rotated_log_is_read_before_the_live_file()
    {
        WriteInstance(0, (1, "first"), (2, "second"));
        var path = Paths.InstanceLog("uid", "app", 0);
        Assert.True(LogRotator.RotateIfNeeded(path, maxBytes: 10));
        await File.AppendAllTextAsync(path, LogLine.Format(T0.AddSeconds(3), "stdout", false, "third") + "\n");

        Assert.True(new FileInfo(LogPaths.RotatedOf(path)).Length > 0);
        Assert.Equal("first\nsecond\nthird\n", await ReadAsync(new LogReadOptions()));
    }

    [Fact]
    public async Task The_writer_stores_CRI_lines_that_the_reader_strips()
    {
        var path = Paths.InstanceLog("uid", "app", 0);
        var writer = new ContainerLogWriter(path, 1024 * 1024, TimeProvider.System);
        await writer.PumpAsync(new MemoryStream(Encoding.UTF8.GetBytes("one\ntwo\nthree")), "stdout", CancellationToken.None);

        var stored = await File.ReadAllLinesAsync(path);
        Assert.Equal(3, stored.Length);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F one$", stored[0]);
        Assert.Equal("one\ntwo\nthree\n", await ReadAsync(new LogReadOptions()));
    }

    [Fact]
    public void Pruning_keeps_only_the_current_and_the_previous_instance()
    {
        WriteInstance(0, (1, "a"));
        WriteInstance(1, (1, "b"));
        WriteInstance(2, (1, "c"));
        Paths.PruneBefore("uid", "app", 2);

        Assert.Equal([1, 2], Paths.Instances("uid", "app"));
    }
}
