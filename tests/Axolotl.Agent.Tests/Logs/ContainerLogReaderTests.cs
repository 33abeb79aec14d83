using System.Text;
using Axolotl.Agent.Logs;
using Axolotl.Runtime.Logs;
using Axolotl.Testing;

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
        LogRotator.Rotate(path);
        await File.AppendAllTextAsync(path, LogLine.Format(T0.AddSeconds(3), "stdout", false, "third") + "\n");

        Assert.True(new FileInfo(RotatedLog.PathOf(path)).Length > 0);
        Assert.Equal("first\nsecond\nthird\n", await ReadAsync(new LogReadOptions()));
    }

    [Fact]
    public async Task A_log_renamed_to_its_rotated_name_is_read_before_the_new_live_file()
    {
        WriteInstance(0, (1, "first"), (2, "second"));
        var path = Paths.InstanceLog("uid", "app", 0);
        File.Move(path, RotatedLog.PathOf(path));
        await File.WriteAllTextAsync(path, LogLine.Format(T0.AddSeconds(3), "stdout", false, "third") + "\n");

        Assert.Equal("first\nsecond\nthird\n", await ReadAsync(new LogReadOptions()));
        Assert.Equal("second\nthird\n", await ReadAsync(new LogReadOptions { TailLines = 2 }));
        Assert.Equal("2025-05-01T12:00:02.000000000Z second\n2025-05-01T12:00:03.000000000Z third\n",
            await ReadAsync(new LogReadOptions { SinceTime = T0.AddSeconds(2), Timestamps = true }));
    }

    [Fact]
    public async Task Partial_records_are_joined_and_a_timestamp_starts_only_a_new_line()
    {
        var path = Paths.InstanceLog("uid", "app", 0);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllLinesAsync(path,
        [
            LogLine.Format(T0.AddSeconds(1), "stdout", true, "long "),
            LogLine.Format(T0.AddSeconds(2), "stdout", false, "line"),
            LogLine.Format(T0.AddSeconds(3), "stderr", false, "next"),
        ]);

        Assert.Equal("long line\nnext\n", await ReadAsync(new LogReadOptions()));
        Assert.Equal("2025-05-01T12:00:01.000000000Z long line\n2025-05-01T12:00:03.000000000Z next\n",
            await ReadAsync(new LogReadOptions { Timestamps = true }));
    }

    [Fact]
    public async Task Follow_reads_on_across_a_rename_rotation_without_losing_or_repeating_lines()
    {
        var time = new FakeTimeProvider();
        WriteInstance(0, (1, "one"));
        var path = Paths.InstanceLog("uid", "app", 0);
        var running = true;
        using var output = new MemoryStream();
        var copy = new ContainerLogReader(Paths, time).CopyAsync("uid", "web", "app", new LogReadOptions { Follow = true }, output, () => running, CancellationToken.None);
        await time.WaitForTimersAsync();

        // What the launcher does: a last record in the old file, rename it to ".1", start a new file.
        await File.AppendAllTextAsync(path, LogLine.Format(T0.AddSeconds(2), "stdout", false, "two") + "\n");
        File.Move(path, RotatedLog.PathOf(path), overwrite: true);
        await File.WriteAllTextAsync(path, LogLine.Format(T0.AddSeconds(3), "stdout", false, "three") + "\n");
        running = false;
        time.Advance(TimeSpan.FromSeconds(1));
        await copy.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("one\ntwo\nthree\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Follow_reads_on_across_a_copy_truncate_rotation()
    {
        var time = new FakeTimeProvider();
        var path = Paths.InstanceLog("uid", "app", 0);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "a fairly long first plain line\n");
        var running = true;
        using var output = new MemoryStream();
        var copy = new ContainerLogReader(Paths, time).CopyAsync("uid", "web", "app", new LogReadOptions { Follow = true }, output, () => running, CancellationToken.None);
        await time.WaitForTimersAsync();

        await File.AppendAllTextAsync(path, "second\n");
        LogRotator.Rotate(path);
        await File.AppendAllTextAsync(path, "third\n");
        running = false;
        time.Advance(TimeSpan.FromSeconds(1));
        await copy.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("a fairly long first plain line\nsecond\nthird\n", Encoding.UTF8.GetString(output.ToArray()));
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
