using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.NodeJoin;

/// <summary>
/// Watches Nodes (and, where the server serves certificates.k8s.io/v1, CertificateSigningRequests)
/// from the current resourceVersion and stamps, per node name, the arrival of the events a join
/// produces (<see cref="JoinStamps"/>). A CSR is matched to its node by the CN of the request
/// (system:node:NAME) and counted only for the kubelet client signer, the one a node waits for before
/// it registers. Only the public API is read, so the figures stay the real join time whatever the
/// agent does inside.
/// </summary>
internal sealed class NodeJoinWatch : IAsyncDisposable
{
    private const string KubeletClientSigner = "kubernetes.io/kube-apiserver-client-kubelet";
    private const string CsrPath = "/apis/certificates.k8s.io/v1/certificatesigningrequests";

    private readonly ConcurrentDictionary<string, JoinStamps> _stamps = new(StringComparer.Ordinal);
    private readonly List<WatchEventReader> _readers = [];
    private Exception? _failure;

    private NodeJoinWatch()
    {
    }

    /// <summary>Whether the server serves CSRs (so a missing CSR stamp means the agent made none).</summary>
    public bool WatchesCsrs { get; private set; }

    public static async Task<NodeJoinWatch> OpenAsync(Kubeconfig config, bool http2, CancellationToken ct)
    {
        var watch = new NodeJoinWatch();
        try
        {
            await watch.StartAsync(config, http2, "/api/v1/nodes", watch.OnNode, ct);
            try
            {
                await watch.StartAsync(config, http2, CsrPath, watch.OnCsr, ct);
                watch.WatchesCsrs = true;
            }
            catch (HttpRequestException e) when (e.Message.Contains("got 404", StringComparison.Ordinal))
            {
                // An older server without certificates.k8s.io: the Node events still time the join.
            }
            return watch;
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(Kubeconfig config, bool http2, string path, Action<long, string, JsonElement> onEvent, CancellationToken ct)
    {
        var reader = new WatchEventReader(ApiClient.ForStreaming(config, http2));
        _readers.Add(reader);
        using var doc = JsonDocument.Parse(await reader.Api.GetAsync(path, ct));
        var resourceVersion = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "0";
        await reader.StartAsync($"{path}?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}", Stopwatch.GetTimestamp, onEvent, Fail, ct);
    }

    public JoinStamps For(string node)
    {
        var stamps = _stamps.GetOrAdd(node, _ => new JoinStamps());
        if (Volatile.Read(ref _failure) is { } failure)
        {
            stamps.Ready.TrySetException(failure);
        }
        return stamps;
    }

    private void OnNode(long arrived, string type, JsonElement node)
    {
        if (type is not ("ADDED" or "MODIFIED") || node.GetProperty("metadata").GetProperty("name").GetString() is not { } name)
        {
            return;
        }
        var stamps = For(name);
        stamps.SawNode(arrived);
        if (node.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
            && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True"))
        {
            stamps.Ready.TrySetResult(arrived);
        }
    }

    private void OnCsr(long arrived, string type, JsonElement csr)
    {
        if (type is not ("ADDED" or "MODIFIED") || !csr.TryGetProperty("spec", out var spec)
            || !spec.TryGetProperty("signerName", out var signer) || signer.GetString() != KubeletClientSigner
            || !spec.TryGetProperty("request", out var request) || NodeOf(request.GetString()) is not { } name)
        {
            return;
        }
        var stamps = For(name);
        stamps.SawCsr(arrived);
        if (csr.TryGetProperty("status", out var status) && status.TryGetProperty("certificate", out var certificate)
            && certificate.GetString() is { Length: > 0 })
        {
            stamps.SawCsrIssued(arrived);
        }
    }

    /// <summary>NAME from the request's subject CN system:node:NAME; null for anything else.</summary>
    private static string? NodeOf(string? base64Request)
    {
        if (string.IsNullOrEmpty(base64Request))
        {
            return null;
        }
        try
        {
            var pem = Encoding.ASCII.GetString(Convert.FromBase64String(base64Request));
            var request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation);
            var commonName = request.SubjectName.EnumerateRelativeDistinguishedNames()
                .Where(rdn => rdn.GetSingleElementType().Value == "2.5.4.3")
                .Select(rdn => rdn.GetSingleElementValue())
                .FirstOrDefault();
            return commonName is not null && commonName.StartsWith("system:node:", StringComparison.Ordinal) ? commonName["system:node:".Length..] : null;
        }
        catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    private void Fail(Exception error)
    {
        Volatile.Write(ref _failure, error);
        foreach (var stamps in _stamps.Values)
        {
            stamps.Ready.TrySetException(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var reader in _readers)
        {
            await reader.DisposeAsync();
        }
    }
}
