using System.Net.Http.Headers;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>Plain HTTPS to the server with the admin bearer token (for bursts kubectl is too slow for).</summary>
public static class ApiClient
{
    public static HttpClient Create(AxolotlServer server, string? token = null)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        var http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri($"https://127.0.0.1:{server.Port}"),
            Timeout = TimeSpan.FromSeconds(15),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? KubeconfigFile.Token(server.Kubeconfig));
        return http;
    }
}
