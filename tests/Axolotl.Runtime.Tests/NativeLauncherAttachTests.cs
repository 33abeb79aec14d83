using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Axolotl.Runtime;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// Attach on real containers through the launcher's attach socket: stdin held open for the container
/// (closed after the first session with stdinOnce), a terminal with its size, output to the session
/// and the log alike, and a pid namespace joined from another container (ephemeral containers' target).
/// </summary>
public sealed class NativeLauncherAttachTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RuntimeFixture _rt = new(nativeLauncher: true);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    [Fact]
    public async Task With_stdin_once_the_sessions_input_reaches_the_process_and_its_end_closes_the_containers_stdin()
    {
        var sandbox = await _rt.SandboxAsync("stdin-once");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "while read l; do echo \"got $l\"; echo \"err $l\" >&2; done; echo bye") with
        {
            Stdio = new ContainerStdio(Stdin: true, StdinOnce: true, Tty: false),
        };
        var handle = await _rt.StartAsync(sandbox, spec);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();

        // Through the interface, as the agent's endpoint calls it.
        IContainerRuntime runtime = _rt.Runtime;
        await runtime.AttachAsync(handle, new AttachSpec(new MemoryStream("one\ntwo\n"u8.ToArray()), stdout, stderr, null), CancellationToken.None).WaitAsync(Deadline);
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal("got one\ngot two\nbye\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("err one\nerr two\n", Encoding.UTF8.GetString(stderr.ToArray()));
        var log = await File.ReadAllTextAsync(spec.LogPath);
        Assert.Contains(" stdout F got two\n", log, StringComparison.Ordinal);
        Assert.Contains(" stderr F err two\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_stdin_once_the_containers_stdin_stays_open_for_the_next_session()
    {
        var sandbox = await _rt.SandboxAsync("stdin-kept");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "while read l; do echo \"got $l\"; done") with
        {
            Stdio = new ContainerStdio(Stdin: true, StdinOnce: false, Tty: false),
        };
        var handle = await _rt.StartAsync(sandbox, spec);

        // The first session ends with its stdin (containerd's rule): the container reads on.
        await _rt.Runtime.AttachAsync(handle, new AttachSpec(new MemoryStream("first\n"u8.ToArray()), Stream.Null, null, null), CancellationToken.None).WaitAsync(Deadline);
        var second = new Pipe();
        var output = new LineCollector();
        var session = _rt.Runtime.AttachAsync(handle, new AttachSpec(second.Reader.AsStream(), output, null, null), CancellationToken.None);
        await second.Writer.WriteAsync("second\n"u8.ToArray());
        await output.WaitForAsync("got second\n", Deadline);
        await second.Writer.CompleteAsync();
        await session.WaitAsync(Deadline);

        Assert.False(_rt.Runtime.WaitAsync(handle, CancellationToken.None).IsCompleted);
        Assert.Contains(" stdout F got first\n", await File.ReadAllTextAsync(spec.LogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_terminal_takes_the_sessions_size_and_its_output_is_logged_as_stdout_lines()
    {
        var sandbox = await _rt.SandboxAsync("tty");
        var spec = _rt.Spec(sandbox, "main", "sh") with { Stdio = new ContainerStdio(Stdin: true, StdinOnce: true, Tty: true) };
        var handle = await _rt.StartAsync(sandbox, spec);
        var sizes = Channel.CreateUnbounded<TerminalSize>();
        sizes.Writer.TryWrite(new TerminalSize(100, 30));
        var input = new Pipe();
        var output = new LineCollector();

        var session = _rt.Runtime.AttachAsync(handle, new AttachSpec(input.Reader.AsStream(), output, Stream.Null, sizes.Reader), CancellationToken.None);
        await input.Writer.WriteAsync("[ -t 0 ] && echo is-a-tty; echo err-line >&2\n"u8.ToArray());
        await output.WaitForAsync("err-line", Deadline);
        // The size arrives on its own channel: ask until the terminal has it.
        await Eventually.TrueAsync(
            async () =>
            {
                await input.Writer.WriteAsync("echo size=$(stty size)\n"u8.ToArray());
                await output.WaitForAsync("size=", Deadline);
                return output.Text.Contains("size=30 100", StringComparison.Ordinal);
            },
            "the terminal to report 30 rows and 100 columns", () => output.Text, interval: TimeSpan.FromMilliseconds(100));
        await input.Writer.WriteAsync("exit 3\n"u8.ToArray());
        await session.WaitAsync(Deadline);
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(3, exit.ExitCode);
        Assert.Contains("is-a-tty", output.Text, StringComparison.Ordinal);
        var log = await File.ReadAllTextAsync(spec.LogPath);
        // Input typed before the shell's first prompt is echoed at once, so the prompt may open the output's line.
        Assert.Matches(@" stdout F [^\n]*is-a-tty\n", log);
        Assert.Matches(@" stdout F [^\n]*err-line\n", log);
        Assert.DoesNotContain(" stderr ", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_container_that_joins_anothers_pid_namespace_sees_its_processes()
    {
        var sandbox = await _rt.SandboxAsync("shared-pid");
        var target = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "app", "sh", "-c", "exec sleep 3600"));
        var spec = _rt.Spec(sandbox, "debugger", "sh", "-c", "ps -o pid,args | grep 'sleep 360[0]'") with { PidNamespaceOf = "app" };

        var handle = await _rt.StartAsync(sandbox, spec);
        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(0, exit.ExitCode);
        Assert.Contains(" stdout F ", await File.ReadAllTextAsync(spec.LogPath), StringComparison.Ordinal);
        Assert.False(_rt.Runtime.WaitAsync(target, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Joining_the_pid_namespace_of_a_container_that_does_not_run_is_a_start_error()
    {
        var sandbox = await _rt.SandboxAsync("no-target");
        var spec = _rt.Spec(sandbox, "debugger", "true") with { PidNamespaceOf = "absent" };

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => _rt.StartAsync(sandbox, spec));

        Assert.Equal("the target container absent is not running", error.Message);
    }

    /// <summary>A write-only stream the test reads as text while the session runs.</summary>
    private sealed class LineCollector : Stream
    {
        private readonly StringBuilder _text = new();

        public string Text { get { lock (_text) { return _text.ToString(); } } }

        public Task WaitForAsync(string text, TimeSpan timeout) =>
            Eventually.TrueAsync(() => Text.Contains(text, StringComparison.Ordinal), $"'{text}'", () => Text, timeout);

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_text)
            {
                _text.Append(Encoding.UTF8.GetString(buffer, offset, count).Replace("\r", "", StringComparison.Ordinal));
            }
        }
    }
}
