using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Axolotl.Images.Oci;

namespace Axolotl.Images.Tests.Distribution;

/// <summary>
/// A small registry (distribution API subset) on a loopback port for the puller's tests: manifests by
/// tag or digest, blobs, an optional Bearer token realm, and hooks to lie, fail or count requests.
/// </summary>
internal sealed class FakeRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, (string MediaType, byte[] Body)> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    public FakeRegistry()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>When set, /v2 requests need "Bearer good-token", got from /token with Basic user:pass (or anonymously when <see cref="AnonymousToken"/>).</summary>
    public (string User, string Password)? TokenAuth { get; set; }

    public bool AnonymousToken { get; set; }

    public Func<string, int?>? FailWith { get; set; }

    /// <summary>An error answer for a path: its status and a distribution error body {"errors":[{code, message}]}.</summary>
    public Func<string, (int Status, string Code, string Message)?>? ErrorFor { get; set; }

    /// <summary>For a matching path: declare the whole blob, send half of it, then send nothing until disposed.</summary>
    public Func<string, bool>? StallBody { get; set; }

    private readonly CancellationTokenSource _stopping = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    public int Count(string fragment) => Requests.Count(r => r.Contains(fragment, StringComparison.Ordinal));

    public string AddBlob(byte[] content)
    {
        var digest = Digests.Of(content);
        _blobs[digest] = content;
        return digest;
    }

    public void SetBlob(string digest, byte[] content) => _blobs[digest] = content;

    public byte[] Blob(string digest) => _blobs[digest];

    public string AddManifest(string repository, string tag, string mediaType, object document)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(document);
        var digest = Digests.Of(body);
        _manifests[$"{repository}:{tag}"] = (mediaType, body);
        _manifests[$"{repository}:{digest}"] = (mediaType, body);
        return digest;
    }

    /// <summary>Publishes a one-layer image whose /etc/hello holds <paramref name="text"/>; returns its manifest and layer digests.</summary>
    public (string Manifest, string Layer) PublishImage(string repository, string tag, string text = "hello")
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(buffer, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "etc/hello") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        }

        var layer = buffer.ToArray();
        var layerDigest = AddBlob(layer);
        var config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            config = new { Cmd = new[] { "sh" } },
            rootfs = new { type = "layers", diff_ids = new[] { Digests.Of(layer) } },
        });
        var configDigest = AddBlob(config);
        var manifest = AddManifest(repository, tag, OciMediaTypes.ImageManifest, new
        {
            schemaVersion = 2,
            mediaType = OciMediaTypes.ImageManifest,
            config = new { mediaType = OciMediaTypes.ImageConfig, digest = configDigest, size = config.Length },
            layers = new[] { new { mediaType = OciMediaTypes.Layer, digest = layerDigest, size = layer.Length } },
        });
        return (manifest, layerDigest);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (StallBody?.Invoke(context.Request.Url!.AbsolutePath) == true)
            {
                _ = StallAsync(context);
                continue;
            }

            try
            {
                Answer(context);
            }
            catch (HttpListenerException)
            {
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private async Task StallAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        Requests.Enqueue($"{context.Request.HttpMethod} {path}");
        var blobs = path.IndexOf("/blobs/", StringComparison.Ordinal);
        var manifests = path.IndexOf("/manifests/", StringComparison.Ordinal);
        var body = blobs > 0 && _blobs.TryGetValue(path[(blobs + 7)..], out var blob) ? blob
            : manifests > 0 && _manifests.TryGetValue($"{path[4..manifests]}:{path[(manifests + 11)..]}", out var manifest) ? manifest.Body : new byte[64];
        try
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await context.Response.OutputStream.FlushAsync();
            await Task.Delay(Timeout.Infinite, _stopping.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
        }
        finally
        {
            context.Response.Abort();
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        Requests.Enqueue($"{context.Request.HttpMethod} {path}");
        var response = context.Response;
        if (path == "/token")
        {
            var basic = context.Request.Headers["Authorization"];
            var expected = TokenAuth is { } auth ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{auth.User}:{auth.Password}")) : null;
            if (basic != expected && !(basic is null && AnonymousToken))
            {
                response.StatusCode = 401;
                return;
            }

            Write(response, "application/json", Encoding.UTF8.GetBytes("{\"token\":\"good-token\",\"expires_in\":300}"));
            return;
        }

        if (FailWith?.Invoke(path) is { } status)
        {
            response.StatusCode = status;
            return;
        }

        if (ErrorFor?.Invoke(path) is { } error)
        {
            response.StatusCode = error.Status;
            Write(response, "application/json", JsonSerializer.SerializeToUtf8Bytes(new { errors = new[] { new { code = error.Code, message = error.Message } } }));
            return;
        }

        if (TokenAuth is not null && context.Request.Headers["Authorization"] != "Bearer good-token")
        {
            response.StatusCode = 401;
            response.AddHeader("WWW-Authenticate", $"Bearer realm=\"http://{Host}/token\",service=\"fake\",scope=\"repository:{Repository(path)}:pull\"");
            Write(response, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"u8.ToArray());
            return;
        }

        var manifests = path.IndexOf("/manifests/", StringComparison.Ordinal);
        var blobs = path.IndexOf("/blobs/", StringComparison.Ordinal);
        if (manifests > 0 && _manifests.TryGetValue($"{path[4..manifests]}:{path[(manifests + 11)..]}", out var manifest))
        {
            response.AddHeader("Docker-Content-Digest", Digests.Of(manifest.Body));
            Write(response, manifest.MediaType, manifest.Body);
            return;
        }

        if (blobs > 0 && _blobs.TryGetValue(path[(blobs + 7)..], out var blob))
        {
            Write(response, "application/octet-stream", blob);
            return;
        }

        response.StatusCode = 404;
        Write(response, "application/json", "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"u8.ToArray());
    }

    private static string Repository(string path)
    {
        var end = path.IndexOf("/manifests/", StringComparison.Ordinal) is > 0 and var m ? m : path.IndexOf("/blobs/", StringComparison.Ordinal);
        return end > 4 ? path[4..end] : "";
    }

    private static void Write(HttpListenerResponse response, string type, byte[] body)
    {
        response.ContentType = type;
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
    }

    public void Dispose()
    {
        // Close alone: after Stop, the managed listener's Close looks the port up again and binds it
        // anew, which fails once another test has taken the freed port.
        _stopping.Cancel();
        _listener.Close();
        _stopping.Dispose();
    }
}
