using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Threading.Channels;
using KubeStatus = Axolotl.Api.Meta.Status;
using Axolotl.Runtime;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Server;

/// <summary>
/// WebSocket /attach/{ns}/{pod}/{container}?stdin=&amp;stdout=&amp;stderr=&amp;tty=: connects to the running
/// container's own process over the runtime (pods/attach) and speaks the k8s.io channel protocols
/// like exec (<see cref="StreamProtocol"/>): 0 stdin, 1 stdout, 2 stderr, 3 the final
/// Status, 4 terminal size. As the kubelet does, the terminal is the container's own setting
/// (spec tty), whatever the request says, and stdin is attached only to a container with stdin.
/// </summary>
internal sealed class AttachEndpoint(IKubeletBackend backend, TimeProvider time)
{
    private const byte Stdin = 0;
    private const byte Stdout = 1;
    private const byte Stderr = 2;
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    public async Task HandleAsync(HttpContext ctx, string ns, string podName, string container)
    {
        var query = ctx.Request.Query;
        // One reading of booleans for exec and attach, kube-apiserver's (the Python client sends "True").
        var stdin = ExecEndpoint.Flag(query, "stdin");
        var stdout = ExecEndpoint.Flag(query, "stdout");
        var stderr = ExecEndpoint.Flag(query, "stderr");
        if (!stdin && !stdout && !stderr)
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
        var spec = pod.Specs.FirstOrDefault(c => c.Name == container);
        var handle = pod.Running(container);
        if (spec is null || handle is null)
        {
            await KubeletResponses.WriteAsync(ctx, 404, "NotFound", $"container not found (\"{container}\")");
            return;
        }
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            await KubeletResponses.BadRequestAsync(ctx, $"attach needs a WebSocket (subprotocols {StreamProtocol.SupportedList}, or none); SPDY is not supported");
            return;
        }
        if (StreamProtocol.Negotiate(ctx.WebSockets.WebSocketRequestedProtocols) is not { } protocol)
        {
            await KubeletResponses.BadRequestAsync(ctx, $"unable to upgrade: none of the offered subprotocols is supported, want one of {StreamProtocol.SupportedList}");
            return;
        }

        var stdio = ContainerStdio.For(spec);
        var tty = stdio.Tty;
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol.SubProtocol });
        var ready = new StreamsReadyGate(time);
        using var sender = new ChannelSender(socket, protocol.Base64, ready.Opened);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        var input = stdin == true && stdio.Stdin ? new Pipe() : null;
        var sizes = tty ? Channel.CreateBounded<TerminalSize>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest }) : null;
        var receiving = ClientStreams.ReceiveAsync(socket, input?.Writer, sizes?.Writer, protocol, session, ready);
        KubeStatus status;
        try
        {
            status = await RunAsync(handle, input, sizes?.Reader, stdout == true, stderr == true && !tty, sender, session.Token);
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
            using var wait = new CancellationTokenSource(CloseWait, time);
            await using var cancelOnTimeout = wait.Token.Register(session.Cancel);
            await receiving;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client went away while we were finishing.
        }
    }

    private async Task<KubeStatus> RunAsync(ContainerHandle handle, Pipe? input, ChannelReader<TerminalSize>? sizes,
        bool stdout, bool stderr, ChannelSender sender, CancellationToken ct)
    {
        await using var outStream = stdout ? new ChannelStream(sender, Stdout, ct) : null;
        await using var errStream = stderr ? new ChannelStream(sender, Stderr, ct) : null;
        await using var inStream = input?.Reader.AsStream();
        try
        {
            await backend.Runtime.AttachAsync(handle, new AttachSpec(inStream, outStream, errStream, sizes), ct);
            return new KubeStatus { Outcome = "Success" };
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new KubeStatus { Outcome = "Failure", Message = $"error attaching to container: {e.Message}" };
        }
    }
}
