using Axolotl.Agent.Logs;
using Axolotl.Runtime.Logs;

namespace Axolotl.Agent.Tests.Logs;

public sealed class LogRotatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-rotate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_plain_log_over_the_limit_is_copied_to_its_rotated_name_and_truncated()
    {
        var path = Path.Combine(_dir, "0.log");
        File.WriteAllText(path, "plain line one\nplain line two\n");

        Assert.True(LogRotator.RotateIfNeeded(path, maxBytes: 10));

        Assert.Equal(0, new FileInfo(path).Length);
        Assert.Equal("plain line one\nplain line two\n", File.ReadAllText(RotatedLog.PathOf(path)));
    }

    [Fact]
    public void A_CRI_log_is_left_to_the_launcher_that_writes_and_rotates_it()
    {
        var path = Path.Combine(_dir, "0.log");
        var content = "2025-05-01T12:00:00.123456789Z stdout F launcher line\n2025-05-01T12:00:01.000000000Z stderr P part\n";
        File.WriteAllText(path, content);

        Assert.False(LogRotator.RotateIfNeeded(path, maxBytes: 10));

        Assert.Equal(content, File.ReadAllText(path));
        Assert.False(File.Exists(RotatedLog.PathOf(path)));
    }

    [Fact]
    public void A_log_under_the_limit_or_missing_is_not_rotated()
    {
        var path = Path.Combine(_dir, "0.log");
        Assert.False(LogRotator.RotateIfNeeded(path, maxBytes: 10));

        File.WriteAllText(path, "short\n");
        Assert.False(LogRotator.RotateIfNeeded(path, maxBytes: 10));
    }

    [Theory]
    [InlineData("2025-05-01T12:00:00.123456789Z stdout F text", true)]
    [InlineData("2025-05-01T12:00:00.123456789Z stderr P ", true)]
    [InlineData("2025-05-01T12:00:00Z stdout F text", true)]
    [InlineData("2025-05-01T12:00:00.123456789Z hello world", false)]
    [InlineData("2025-05-01T12:00:00.123456789Z stdout X text", false)]
    [InlineData("stdout F text", false)]
    [InlineData("", false)]
    public void A_CRI_record_is_a_timestamp_a_stream_and_a_tag(string line, bool expected) =>
        Assert.Equal(expected, LogLine.IsCriRecord(line));
}
