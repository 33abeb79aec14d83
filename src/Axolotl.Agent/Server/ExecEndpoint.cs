using System.Globalization;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Threading.Channels;
using Axolotl.Api.Meta;
using KubeStatus = Axolotl.Api.Meta.Status;
using Axolotl.Runtime;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Server;

/// <summary>
/// WebSocket /exec/{ns}/{pod}/{container}?command=…&amp;stdin=&amp;stdout=&amp;stderr=&amp;tty=: runs the command in
/// the container over the runtime and speaks the k8s.io channel protocols (<see cref="StreamProtocol"/>):
/// 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 resize, 255 close (v5).
/// </summary>
internal sealed class ExecEndpoint(IKubeletBackend backend, TimeProvider time)
{
    private const byte Stdout = 1;
    private const byte Stderr = 2;
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstSizeWait = TimeSpan.FromSeconds(1);

    public async Task HandleAsync(HttpContext ctx, string ns, string podName, string container)
    {
        var query = ctx.Request.Query;
        var command = query["command"].OfType<string>().ToList();
        var stdin = Flag(query, "stdin");
        var stdout = Flag(query, "stdout");
        var tty = Flag(query, "tty");
        var stderr = Flag(query, "stderr") && !tty; // A terminal merges stderr into stdout.
        if (command.Count == 0)
        {
            await KubeletResponses.BadRequestAsync(ctx, "you must specify at least one command for the container");
            return;
        }
        if (!stdin && !stdout && !Flag(query, "stderr"))
        {
            await KubeletResponses.BadRequestAsync(ctx, "you must specify at least 1 of stdin, stdout, stderr");
            return;
        }
        var pod = await backend.FindPodAsync(ns, podName, ctx.RequestAborted);
        if (pod is null)
        {
            await KubeletResponses.WriteAsync(ctx, 404, "NotFound", $"pod \"{ns}/{podName}\" not found");
            return;
        }
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            // SPDY (kubectl's fallback) is not spoken here; say why instead of a bare upgrade failure.
            var message = pod.Running(container) is null
                ? $"container not found (\"{container}\")"
                : $"exec needs a WebSocket (subprotocols {StreamProtocol.SupportedList}, or none); SPDY is not supported";
            await KubeletResponses.WriteAsync(ctx, pod.Running(container) is null ? 404 : 400, pod.Running(container) is null ? "NotFound" : "BadRequest", message);
            return;
        }
        if (StreamProtocol.Negotiate(ctx.WebSockets.WebSocketRequestedProtocols) is not { } protocol)
        {
            await KubeletResponses.BadRequestAsync(ctx, $"unable to upgrade: none of the offered subprotocols is supported, want one of {StreamProtocol.SupportedList}");
            return;
        }

        using var socket = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol.SubProtocol });
        var ready = new StreamsReadyGate(time);
        using var sender = new ChannelSender(socket, protocol.Base64, ready.Opened);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        var input = stdin ? new Pipe() : null;
        var sizes = tty ? Channel.CreateBounded<TerminalSize>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest }) : null;
        var receiving = ClientStreams.ReceiveAsync(socket, input?.Writer, sizes?.Writer, protocol, session, ready);
        KubeStatus status;
        try
        {
            if (sizes is not null)
            {
                await FirstSizeAsync(sizes.Reader, session.Token);
            }
            status = pod.Running(container) is { } handle
                ? await RunAsync(handle, command, tty, input, sizes?.Reader, stdout, stderr, sender, session.Token)
                : Failure($"container not found (\"{container}\")");
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            await receiving;
            return;
        }

        try
        {
            await StreamStatus.SendAsync(sender, protocol, status, session.Token);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, session.Token);
            // Let the client's close frame arrive; a client that never answers is cut off.
            using var wait = new CancellationTokenSource(CloseWait, time);
            await using var cancelOnTimeout = wait.Token.Register(session.Cancel);
            await receiving;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client went away while we were finishing.
        }
    }

    /// <param name="command">As the user gave it (messages quote it); <paramref name="argv"/> is what runs.</param>
    /// <summary>
    /// kubectl sends the terminal's size right after the stream opens: wait a moment for it, so that
    /// the command starts on a terminal of the right size (`stty size` as the command sees it).
    /// </summary>
    private async Task FirstSizeAsync(ChannelReader<TerminalSize> sizes, CancellationToken ct)
    {
        using var wait = new CancellationTokenSource(FirstSizeWait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, ct);
        try
        {
            await sizes.WaitToReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A client that sends no size: the terminal keeps the default.
        }
    }

    private async Task<KubeStatus> RunAsync(ContainerHandle handle, IReadOnlyList<string> command, bool tty, Pipe? input,
        ChannelReader<TerminalSize>? sizes, bool stdout, bool stderr, ChannelSender sender, CancellationToken ct)
    {
        await using var outStream = stdout ? new ChannelStream(sender, Stdout, ct) : Stream.Null;
        await using var errStream = stderr ? new ChannelStream(sender, Stderr, ct) : null;
        await using var inStream = input?.Reader.AsStream();
        try
        {
            var result = await backend.Runtime.ExecAsync(handle, new ExecSpec(command, tty, inStream, outStream, errStream, Resize: sizes), ct);
            return result.ExitCode == 0
                ? new KubeStatus { Outcome = "Success" }
                : new KubeStatus
                {
                    Outcome = "Failure",
                    Reason = "NonZeroExitCode",
                    Message = $"command terminated with non-zero exit code: command '{string.Join(' ', command)}' exited with {result.ExitCode}",
                    Details = new StatusDetails
                    {
                        Causes = [new StatusCause { Type = "ExitCode", Message = result.ExitCode.ToString(CultureInfo.InvariantCulture) }],
                    },
                };
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Failure($"Internal error occurred: error executing command in container: {e.Message}");
        }
    }

    private static KubeStatus Failure(string message) => new() { Outcome = "Failure", Message = message };

    /// <summary>stdin/stdout/stderr/tty as kube-apiserver reads them (the Python client sends "True").</summary>
    internal static bool Flag(IQueryCollection query, string key) =>
        QueryValues.Bool(query.TryGetValue(key, out var values) && values.Count > 0 ? values[0] ?? "" : null);
}
