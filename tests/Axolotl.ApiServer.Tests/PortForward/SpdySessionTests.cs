using System.Text;
using Axolotl.ApiServer.PortForward.Spdy;

namespace Axolotl.ApiServer.Tests.PortForward;

public sealed class SpdySessionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A server session that echoes every stream's data back and finishes when the client does.</summary>
    private static Task EchoAsync(SpdyStream stream) => EchoCoreAsync(stream);

    private static async Task EchoCoreAsync(SpdyStream stream)
    {
        await stream.SendReplyAsync(CancellationToken.None);
        var buffer = new byte[1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
        }
        await stream.CloseWriteAsync(CancellationToken.None);
    }

    private static async Task<string> ReadAllAsync(SpdyStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, CancellationToken.None).AsTask().WaitAsync(Timeout)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    [Fact]
    public async Task A_stream_opened_by_the_client_is_answered_and_carries_data_both_ways()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var server = new SpdySession(pair.Server, isClient: false);
        await using var client = new SpdySession(pair.Client, isClient: true);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(EchoAsync, stop.Token);
        var reading = client.RunAsync(_ => Task.CompletedTask, stop.Token);

        var stream = await client.OpenStreamAsync([new("streamtype", "data"), new("port", "80")], fin: false, CancellationToken.None);
        await stream.Reply.WaitAsync(Timeout);
        await stream.WriteAsync("ping "u8.ToArray(), CancellationToken.None);
        await stream.WriteAsync("pong"u8.ToArray(), CancellationToken.None);
        await stream.CloseWriteAsync(CancellationToken.None);

        Assert.Equal(1u, stream.Id);
        Assert.Equal("ping pong", await ReadAllAsync(stream));
        await stop.CancelAsync();
        await Task.WhenAll(serving, reading).WaitAsync(Timeout);
    }

    [Fact]
    public async Task The_server_sees_the_headers_and_successive_odd_stream_ids()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var server = new SpdySession(pair.Server, isClient: false);
        await using var client = new SpdySession(pair.Client, isClient: true);
        var seen = new List<(uint, string?, string?)>();
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(async s =>
        {
            lock (seen)
            {
                seen.Add((s.Id, s.Header("streamtype"), s.Header("requestid")));
            }
            await s.SendReplyAsync(CancellationToken.None);
        }, stop.Token);
        var reading = client.RunAsync(_ => Task.CompletedTask, stop.Token);

        var error = await client.OpenStreamAsync([new("streamtype", "error"), new("requestid", "4")], fin: false, CancellationToken.None);
        var data = await client.OpenStreamAsync([new("streamtype", "data"), new("requestid", "4")], fin: false, CancellationToken.None);
        await Task.WhenAll(error.Reply, data.Reply).WaitAsync(Timeout);

        Assert.Equivalent(new[] { (1u, "error", "4"), (3u, "data", "4") }, seen.OrderBy(s => s.Item1).ToArray());
        await stop.CancelAsync();
        await Task.WhenAll(serving, reading).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Pings_from_the_peer_are_echoed()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var server = new SpdySession(pair.Server, isClient: false);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(EchoAsync, stop.Token);
        using var framer = new SpdyFramer();

        await pair.Client.WriteAsync(framer.Encode(new PingFrame(5)));
        var answer = await framer.ReadAsync(pair.Client, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(new PingFrame(5), answer);
        await stop.CancelAsync();
        await serving.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_reset_from_the_client_ends_the_servers_read_and_aborts_the_stream()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var server = new SpdySession(pair.Server, isClient: false);
        await using var client = new SpdySession(pair.Client, isClient: true);
        var aborted = new TaskCompletionSource<int>();
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(async s =>
        {
            await s.SendReplyAsync(CancellationToken.None);
            var read = await s.ReadAsync(new byte[16], CancellationToken.None);
            await Task.Delay(System.Threading.Timeout.Infinite, s.Aborted).ContinueWith(_ => { }, TaskScheduler.Default);
            aborted.SetResult(read);
        }, stop.Token);
        var reading = client.RunAsync(_ => Task.CompletedTask, stop.Token);

        var stream = await client.OpenStreamAsync([new("streamtype", "data")], fin: false, CancellationToken.None);
        await stream.Reply.WaitAsync(Timeout);
        await stream.ResetAsync(SpdyRstStatus.Cancel, CancellationToken.None);

        Assert.Equal(0, await aborted.Task.WaitAsync(Timeout));
        await stop.CancelAsync();
        await Task.WhenAll(serving, reading).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Send_windows_hold_writes_once_the_peer_uses_flow_control()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var server = new SpdySession(pair.Server, isClient: false);
        using var framer = new SpdyFramer();
        var streamTask = new TaskCompletionSource<SpdyStream>();
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(async s =>
        {
            await s.SendReplyAsync(CancellationToken.None);
            streamTask.SetResult(s);
        }, stop.Token);

        // The "client" is raw frames: a window of 4 bytes for new streams, then one stream.
        await pair.Client.WriteAsync(framer.Encode(new SettingsFrame([new SpdySetting(0, SpdySetting.InitialWindowSize, 4)])));
        await pair.Client.WriteAsync(framer.Encode(new SynStreamFrame(1, 0, 0, false, false, [])));
        Assert.IsType<SynReplyFrame>(await framer.ReadAsync(pair.Client, CancellationToken.None).WaitAsync(Timeout));
        var stream = await streamTask.Task.WaitAsync(Timeout);
        var writing = stream.WriteAsync("abcdefgh"u8.ToArray(), CancellationToken.None);
        var first = Assert.IsType<DataFrame>(await framer.ReadAsync(pair.Client, CancellationToken.None).WaitAsync(Timeout));
        Assert.False(writing.IsCompleted);
        await pair.Client.WriteAsync(framer.Encode(new WindowUpdateFrame(1, 4)));
        var second = Assert.IsType<DataFrame>(await framer.ReadAsync(pair.Client, CancellationToken.None).WaitAsync(Timeout));
        await writing.WaitAsync(Timeout);

        Assert.Equal("abcd", Encoding.ASCII.GetString(first.Data.Span));
        Assert.Equal("efgh", Encoding.ASCII.GetString(second.Data.Span));
        await stop.CancelAsync();
        await serving.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Streams_with_ids_that_go_backwards_end_the_session_with_goaway()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var server = new SpdySession(pair.Server, isClient: false);
        using var framer = new SpdyFramer();
        var serving = server.RunAsync(s => s.SendReplyAsync(CancellationToken.None), CancellationToken.None);

        await pair.Client.WriteAsync(framer.Encode(new SynStreamFrame(5, 0, 0, false, false, [])));
        await pair.Client.WriteAsync(framer.Encode(new SynStreamFrame(3, 0, 0, false, false, [])));
        SpdyFrame? frame;
        do
        {
            frame = await framer.ReadAsync(pair.Client, CancellationToken.None).WaitAsync(Timeout);
        }
        while (frame is SynReplyFrame);

        Assert.Equal(new GoAwayFrame(5, 1), frame);
        await serving.WaitAsync(Timeout);
    }
}
