using System.Buffers.Binary;
using System.Net;
using System.Text;
using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// A grpc.health.v1 server for gRPC probes, without gRPC packages: Kestrel speaks cleartext HTTP/2
/// only (prior knowledge, as gRPC clients do) and Health/Check is answered by hand. The status is
/// SERVING, unless a status file exists (its first word is the status; empty means NOT_SERVING)
/// or the serving time has passed (NOT_SERVING from then on).
/// </summary>
public static class GrpcHealth
{
    public const string CheckPath = "/grpc.health.v1.Health/Check";

    public static async Task<int> RunAsync(AppArgs args)
    {
        var port = args.GetPort("port", 5000);
        var options = new GrpcHealthOptions(
            ServingFor: args.Get("serving-for") is null ? null : args.GetDuration("serving-for", TimeSpan.Zero),
            StatusFile: args.Get("status-file"),
            Services: args.Get("services")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        WebApplication app;
        try
        {
            app = await StartAsync(new IPEndPoint(IPAddress.Any, port), options, TimeProvider.System, CancellationToken.None);
        }
        catch (IOException e)
        {
            Log.Error($"listen tcp 0.0.0.0:{port}: {e.Message}");
            return 1;
        }

        await using (app)
        {
            Log.Line($"grpc-health: serving grpc.health.v1.Health (HTTP/2 cleartext)");
            Log.Line($"listening on 0.0.0.0:{port}");
            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    /// <summary>Starts the server (port 0 picks a free one: read it with <see cref="Port"/>); stop it by disposing.</summary>
    public static async Task<WebApplication> StartAsync(IPEndPoint endpoint, GrpcHealthOptions options, TimeProvider time, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(AppWebHost.Options);
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(endpoint, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var status = new HealthState(options, time);
        app.Run(context => HandleAsync(context, status));
        await app.StartAsync(ct);
        return app;
    }

    /// <summary>The port a started server listens on.</summary>
    public static int Port(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("the server has no addresses");
        return new Uri(addresses.First()).Port;
    }

    private static async Task HandleAsync(HttpContext context, HealthState state)
    {
        context.Response.ContentType = "application/grpc";
        var path = context.Request.Path.Value ?? "";
        if (!HttpMethods.IsPost(context.Request.Method) || path != CheckPath)
        {
            var slash = path.LastIndexOf('/');
            var service = slash > 0 ? path[1..slash] : path.TrimStart('/');
            TrailersOnly(context, 12, service == "grpc.health.v1.Health"
                ? $"unknown method {path[(slash + 1)..]} for service {service}"
                : $"unknown service {service}");
            return;
        }

        var request = await ReadRequestAsync(context.Request.Body, context.RequestAborted);
        if (request is null)
        {
            TrailersOnly(context, 13, "grpc: error unmarshalling request");
            return;
        }

        var (code, serving) = state.Check(request);
        if (code != 0)
        {
            TrailersOnly(context, code, "unknown service");
            return;
        }

        // HealthCheckResponse { status = 1 (varint) }, framed: no compression, 4-byte length.
        byte[] frame = serving == 0 ? [0, 0, 0, 0, 0] : [0, 0, 0, 0, 2, 0x08, (byte)serving];
        await context.Response.Body.WriteAsync(frame, context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    // A status without a message body travels in the headers ("trailers-only" response).
    private static void TrailersOnly(HttpContext context, int code, string message)
    {
        context.Response.Headers["grpc-status"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }

    /// <summary>The service name of a framed HealthCheckRequest; null when it is not one.</summary>
    private static async Task<string?> ReadRequestAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Length < 5 || bytes[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(bytes[1..5]) != bytes.Length - 5)
        {
            return null;
        }

        var message = bytes[5..];
        if (message.IsEmpty)
        {
            return "";
        }

        // Only field 1 (service, length-delimited) exists; its length is a varint.
        if (message[0] != 0x0A)
        {
            return null;
        }

        var length = 0;
        var i = 1;
        for (var shift = 0; i < message.Length && shift < 35; i++, shift += 7)
        {
            length |= (message[i] & 0x7F) << shift;
            if ((message[i] & 0x80) == 0)
            {
                i++;
                break;
            }
        }

        return length == message.Length - i ? Encoding.UTF8.GetString(message[i..]) : null;
    }

    private sealed class HealthState(GrpcHealthOptions options, TimeProvider time)
    {
        private readonly long _started = time.GetTimestamp();
        private readonly Lock _gate = new();
        private int _last = -1;

        /// <summary>The gRPC code (0, or 5 NotFound for a service this server does not know) and the ServingStatus.</summary>
        public (int Code, int Status) Check(string service)
        {
            if (service.Length > 0 && options.Services is { } known && !known.Contains(service, StringComparer.Ordinal))
            {
                return (5, 0);
            }

            var status = Current();
            lock (_gate)
            {
                if (status != _last)
                {
                    Log.Line($"grpc-health: status {Name(status)}");
                    _last = status;
                }
            }

            return (0, status);
        }

        private int Current()
        {
            if (options.StatusFile is { } file && File.Exists(file))
            {
                string word;
                try
                {
                    word = File.ReadAllText(file).Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                }
                catch (IOException)
                {
                    word = "";
                }

                return word.ToUpperInvariant() switch
                {
                    "SERVING" => 1,
                    "UNKNOWN" => 0,
                    "SERVICE_UNKNOWN" => 3,
                    _ => 2,
                };
            }

            return options.ServingFor is { } servingFor && time.GetElapsedTime(_started) >= servingFor ? 2 : 1;
        }

        private static string Name(int status) => status switch
        {
            0 => "UNKNOWN",
            1 => "SERVING",
            2 => "NOT_SERVING",
            _ => "SERVICE_UNKNOWN",
        };
    }
}

/// <summary>
/// How <see cref="GrpcHealth"/> answers: NOT_SERVING once <paramref name="ServingFor"/> has passed
/// (null: never), the status file's first word while that file exists, NotFound for a service name
/// outside <paramref name="Services"/> (null: every name is known).
/// </summary>
public sealed record GrpcHealthOptions(TimeSpan? ServingFor = null, string? StatusFile = null, IReadOnlyList<string>? Services = null);
