using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Http;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// A small versioned web server: 200 with the hostname on every path, an optional Server header
/// and HTML title (the nginx image uses "nginx/VERSION" and "Welcome to nginx!"), an optional pid
/// file. Flags it does not know are ignored so "nginx -g 'daemon off;'" style commands still run.
/// With <c>--unready-dir DIR</c>, /healthz answers 503 while DIR/HOSTNAME.unready exists, and the
/// first such answer writes its time (as bash's $EPOCHREALTIME) to DIR/HOSTNAME.failed: the benchmark's
/// clock for "the readiness probe failed". A WebSocket on /ws echoes each text message as
/// "HOSTNAME: message", so a client can tell which pod holds its connection.
/// </summary>
public static class HttpHello
{
    public static Task<int> RunAsync(AppArgs args)
    {
        var port = args.GetPort("port", 8080);
        var server = args.Get("server");
        var title = args.Get("title");
        var pidFile = args.Get("pid-file");
        var unreadyDir = args.Get("unready-dir");
        var hostname = Environment.MachineName;
        foreach (var flag in args.Unused)
        {
            Log.Line($"ignoring unsupported flag --{flag}");
        }

        if (pidFile is not null)
        {
            File.WriteAllText(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        }

        return HttpApp.RunAsync(port, async context =>
        {
            if (server is not null)
            {
                context.Response.Headers.Server = server;
            }

            Log.Line($"{HttpApp.RemoteAddress(context)} \"{context.Request.Method} {context.Request.Path}\" 200");
            if (context.Request.Path == "/ws" && context.WebSockets.IsWebSocketRequest)
            {
                await EchoAsync(context, hostname);
            }
            else if (context.Request.Path == "/healthz")
            {
                if (unreadyDir is not null && File.Exists(Path.Combine(unreadyDir, hostname + ".unready")))
                {
                    StampFirstFailure(Path.Combine(unreadyDir, hostname + ".failed"));
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    await context.Response.WriteAsync("unready\n");
                    return;
                }
                await context.Response.WriteAsync("ok\n");
            }
            else if (title is not null)
            {
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync(
                    $"<!DOCTYPE html>\n<html>\n<head>\n<title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n<p>Hello from {hostname}</p>\n</body>\n</html>\n");
            }
            else
            {
                await context.Response.WriteAsync($"Hello from {hostname}\n");
            }
        });
    }

    private static async Task EchoAsync(HttpContext context, string hostname)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[16 * 1024];
        var stopping = context.RequestAborted;
        while (socket.State == WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer, stopping);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, stopping);
                return;
            }
            // One frame per message is enough for an echo test; longer messages come back in pieces.
            var reply = Encoding.UTF8.GetBytes($"{hostname}: {Encoding.UTF8.GetString(buffer, 0, received.Count)}");
            await socket.SendAsync(reply, WebSocketMessageType.Text, received.EndOfMessage, stopping);
        }
    }

    private static void StampFirstFailure(string path)
    {
        if (File.Exists(path))
        {
            return;
        }
        var micros = (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        // bash's $EPOCHREALTIME format: seconds.microseconds.
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}\n"));
    }
}
