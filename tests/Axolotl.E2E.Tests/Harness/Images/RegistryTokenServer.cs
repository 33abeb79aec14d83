using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Axolotl.E2E.Tests.Harness.Images;

/// <summary>
/// A registry token server as Docker Hub runs one (distribution's token auth): it signs RS256 JWTs
/// whose x5c header carries its certificate, which the registry trusts through its rootcertbundle.
/// Anonymous callers are granted nothing (so pulls need an imagePullSecret); <see cref="User"/> with
/// <see cref="Password"/> may pull and push. Counts the token requests it answered.
/// </summary>
public sealed class RegistryTokenServer : IDisposable
{
    public const string Service = "axl-registry";
    public const string Issuer = "axl-token-issuer";
    public const string User = "puller";
    public const string Password = "s3cret-pull";

    private readonly HttpListener _listener;
    private readonly RSA _key;
    private readonly string _certificateDer;
    private int _anonymous;
    private int _authenticated;
    private int _refused;

    private RegistryTokenServer(HttpListener listener, RSA key, X509Certificate2 certificate, string certificateFile, string realm)
    {
        _listener = listener;
        _key = key;
        _certificateDer = Convert.ToBase64String(certificate.RawData);
        CertificateFile = certificateFile;
        Realm = realm;
    }

    public string Realm { get; }

    public string CertificateFile { get; }

    public int AnonymousRequests => Volatile.Read(ref _anonymous);

    public int AuthenticatedRequests => Volatile.Read(ref _authenticated);

    public int RefusedRequests => Volatile.Read(ref _refused);

    public static RegistryTokenServer Start(string dir)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={Issuer}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var file = Path.Combine(dir, "token-ca.crt");
        File.WriteAllText(file, certificate.ExportCertificatePem());

        var port = LoopbackPorts.Free();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var server = new RegistryTokenServer(listener, key, certificate, file, $"http://127.0.0.1:{port}/token");
        _ = Task.Run(server.ServeAsync);
        return server;
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

            try
            {
                Answer(context);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var authorization = context.Request.Headers["Authorization"];
        var authenticated = false;
        if (authorization is not null)
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
            if (authorization != expected)
            {
                Interlocked.Increment(ref _refused);
                context.Response.StatusCode = 401;
                return;
            }

            authenticated = true;
            Interlocked.Increment(ref _authenticated);
        }
        else
        {
            Interlocked.Increment(ref _anonymous);
        }

        var access = new List<object>();
        foreach (var scope in context.Request.QueryString.GetValues("scope") ?? [])
        {
            // repository:NAME:ACTIONS
            var parts = scope.Split(':');
            if (parts.Length == 3 && parts[0] == "repository" && authenticated)
            {
                access.Add(new { type = "repository", name = parts[1], actions = parts[2].Split(',') });
            }
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new { alg = "RS256", typ = "JWT", x5c = new[] { _certificateDer } };
        var claims = new
        {
            iss = Issuer,
            sub = authenticated ? User : "",
            aud = context.Request.QueryString["service"] ?? Service,
            exp = now + 300,
            nbf = now - 10,
            iat = now,
            jti = Guid.NewGuid().ToString("N"),
            access,
        };
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var token = signingInput + "." + Base64Url(signature);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { token, access_token = token, expires_in = 300, issued_at = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) });
        context.Response.ContentType = "application/json";
        context.Response.OutputStream.Write(body);
    }

    public void Dispose()
    {
        // Close alone: after Stop, the managed listener's Close looks the port up again and binds it
        // anew, which fails once another test has taken the freed port.
        _listener.Close();
        _key.Dispose();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
