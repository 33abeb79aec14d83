using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>S3's example folder and the small steps its walk-through repeats: pod tables, curl against a pod.</summary>
internal static partial class S3Files
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private const string Example = "s3-kill-replicas-drain-rollout";

    public static string Folder => ExampleFiles.Folder(Example);

    public static string Path(string file) => ExampleFiles.File(Example, file);

    /// <summary>`kubectl get pods -o wide -l SELECTOR` as rows of cells (NAME READY STATUS RESTARTS AGE IP NODE …).</summary>
    public static async Task<string[][]> PodRowsAsync(ServerFixture fx, string ns, string selector)
    {
        var table = await fx.Kubectl.OkAsync("get", "pods", "-o", "wide", "-n", ns, "-l", selector);
        return TableText.Lines(table).Skip(1).Select(TableText.Cells).ToArray();
    }

    /// <summary>The IPs of the selected pods that are Running and not being deleted.</summary>
    public static async Task<string[]> RunningPodIpsAsync(ServerFixture fx, string ns, string selector)
    {
        var text = await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", selector, "-o",
            "jsonpath={range .items[?(@.status.phase==\"Running\")]}{.metadata.deletionTimestamp}/{.status.podIP}{\"\\n\"}{end}");
        return TableText.Lines(text).Where(l => l.StartsWith('/')).Select(l => l[1..]).ToArray();
    }

    /// <summary>`curl -I --silent IP | grep Server`: the Server header of one HEAD request, or null when nothing answered.</summary>
    public static async Task<string?> ServerHeaderAsync(string ip)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(3) };
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{ip}/");
        request.Headers.ConnectionClose = true;
        try
        {
            using var response = await http.SendAsync(request);
            return response.Headers.Server.ToString();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    /// <summary>`curl --silent IP | grep title`: the page's title line, or null when nothing answered.</summary>
    public static async Task<string?> TitleAsync(string ip)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            var body = await http.GetStringAsync($"http://{ip}/");
            return TitleLine().Match(body) is { Success: true } m ? m.Value : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    /// <summary>Waits until every running pod of the selector answers with <paramref name="server"/> in its Server header.</summary>
    public static Task<string> UntilAllServeAsync(ServerFixture fx, string ns, string selector, int count, string server) =>
        Eventually.UntilAsync(async () =>
        {
            var ips = await RunningPodIpsAsync(fx, ns, selector);
            var headers = await Task.WhenAll(ips.Select(ServerHeaderAsync));
            return string.Join(", ", ips.Zip(headers, (ip, h) => $"{ip}={h ?? "(no answer)"}"));
        }, seen => seen.Split(", ", StringSplitOptions.RemoveEmptyEntries) is { } all && all.Length == count && all.All(s => s.EndsWith("=" + server, StringComparison.Ordinal)),
            $"{count} pods answering with Server: {server}", Slow);

    [GeneratedRegex("<title>.*</title>")]
    private static partial Regex TitleLine();
}
