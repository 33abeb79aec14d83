using Axolotl.Runtime;
using Axolotl.Runtime.Attach;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>The attach socket's frames and the launcher arguments a container's stdin, stdinOnce and tty become.</summary>
public sealed class AttachProtocolTests
{
    [Fact]
    public void Frames_carry_a_type_and_a_big_endian_length()
    {
        Assert.Equal(new byte[] { 0, 0, 3, (byte)'a', (byte)'b', (byte)'c' }, AttachFrames.Encode(AttachFrames.Stdin, "abc"u8));
        Assert.Equal(new byte[] { 4, 0, 4, 0, 120, 0, 40 }, AttachFrames.EncodeResize(new TerminalSize(120, 40)));
        Assert.Equal(((byte)2, 0x1234), AttachFrames.DecodeHeader(new byte[] { 2, 0x12, 0x34 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttachFrames.Encode(AttachFrames.Stdin, new byte[70000]));
    }

    [Fact]
    public async Task A_session_says_it_attaches_stdin_first_sends_its_end_and_sorts_output_by_stream()
    {
        var fromLauncher = new MemoryStream([.. AttachFrames.Encode(AttachFrames.Stdout, "out"u8), .. AttachFrames.Encode(AttachFrames.Stderr, "err"u8)]);
        var connection = new Duplex(fromLauncher);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();

        await AttachSession.RunAsync(connection, new AttachSpec(new MemoryStream("in"u8.ToArray()), stdout, stderr, null), CancellationToken.None);

        Assert.Equal("out"u8.ToArray(), stdout.ToArray());
        Assert.Equal("err"u8.ToArray(), stderr.ToArray());
        Assert.Equal(AttachFrames.Encode(AttachFrames.HelloStdin, []), connection.Written.ToArray()[..3]);
    }

    [Fact]
    public async Task A_size_the_client_sent_before_its_first_keystrokes_reaches_the_terminal_before_them()
    {
        var launcher = new SilentUntilEnded();
        var connection = new Duplex(launcher);
        var sizes = System.Threading.Channels.Channel.CreateUnbounded<TerminalSize>();
        sizes.Writer.TryWrite(new TerminalSize(91, 27));
        var stdinEnd = AttachFrames.Encode(AttachFrames.StdinEnd, []);

        var session = AttachSession.RunAsync(connection, new AttachSpec(new MemoryStream("stty size\n"u8.ToArray()), new MemoryStream(), null, sizes.Reader), CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => connection.WrittenBytes().AsSpan().EndsWith(stdinEnd), "the session sent stdin's end", timeout: TimeSpan.FromSeconds(10));
        }
        finally
        {
            launcher.End();
        }
        await session.WaitAsync(TimeSpan.FromSeconds(10));

        byte[] expected =
        [
            .. AttachFrames.Encode(AttachFrames.HelloStdin, []),
            .. AttachFrames.EncodeResize(new TerminalSize(91, 27)),
            .. AttachFrames.Encode(AttachFrames.Stdin, "stty size\n"u8),
            .. stdinEnd,
        ];
        Assert.Equal(expected, connection.WrittenBytes());
    }

    [Theory]
    [InlineData(false, false, false, "--attach /s")]
    [InlineData(true, false, false, "--attach /s --stdin")]
    [InlineData(true, true, false, "--attach /s --stdin --stdin-once")]
    [InlineData(true, true, true, "--attach /s --stdin --stdin-once --tty")]
    [InlineData(false, false, true, "--attach /s --tty")]
    public void Stdin_stdin_once_and_tty_become_launcher_arguments(bool stdin, bool once, bool tty, string expected)
    {
        Assert.Equal(expected, string.Join(' ', NativeLauncher.AttachArguments("/s", new ContainerStdio(stdin, once, tty))));
    }

    [Fact]
    public void Without_a_socket_a_container_with_stdin_cannot_start_and_one_without_needs_nothing()
    {
        Assert.Empty(NativeLauncher.AttachArguments(null, ContainerStdio.None));
        var error = Assert.Throws<ContainerStartException>(() => NativeLauncher.AttachArguments(null, new ContainerStdio(true, false, false)).ToList());
        Assert.Contains("attach socket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stdin_once_counts_only_with_stdin()
    {
        Assert.Equal(new ContainerStdio(false, false, true), ContainerStdio.For(new Api.Core.Container { Name = "c", StdinOnce = true, Tty = true }));
        Assert.Equal(new ContainerStdio(true, true, false), ContainerStdio.For(new Api.Core.Container { Name = "c", Stdin = true, StdinOnce = true }));
    }

    /// <summary>Reads what the "launcher" sent, keeps what the session writes.</summary>
    private sealed class Duplex(Stream incoming) : Stream
    {
        public MemoryStream Written { get; } = new();

        public byte[] WrittenBytes()
        {
            lock (Written)
            {
                return Written.ToArray();
            }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => incoming.Read(buffer, offset, count);

        // Reads and writes of their own: Stream's default async pair shares one gate, so a read waiting
        // for the launcher would hold back the session's writes.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => incoming.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (Written)
            {
                Written.Write(buffer.Span);
            }
            return ValueTask.CompletedTask;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (Written)
            {
                Written.Write(buffer, offset, count);
            }
        }
    }

    /// <summary>A launcher that sends nothing and closes the connection when the test says so.</summary>
    private sealed class SilentUntilEnded : Stream
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void End() => _ended.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _ended.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
