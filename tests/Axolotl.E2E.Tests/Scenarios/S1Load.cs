using System.Diagnostics;
using System.Net;
using System.Text;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// S1's load: <c>clients</c> virtual users, each posting its next grade to <c>/grade</c> as soon as the
/// previous answer arrived (seed 000's Postman runner), until the caller stops it, a time limit or a
/// request count is reached.
/// </summary>
internal static class S1Load
{
    public sealed record Outcome(int Created, int Failed, TimeSpan Elapsed)
    {
        public override string ToString() => $"{Created} grades created, {Failed} failed requests in {Elapsed.TotalSeconds:0.0}s";
    }

    public static async Task<Outcome> PostGradesAsync(string baseUrl, int clients, TimeSpan limit, int maxRequests, CancellationToken stop)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, ConnectTimeout = TimeSpan.FromSeconds(2) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        using var timeUp = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeUp.CancelAfter(limit);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var created = 0;
        var failed = 0;

        async Task UserAsync(int user)
        {
            int n;
            while (!timeUp.IsCancellationRequested && (n = Interlocked.Increment(ref sent)) <= maxRequests)
            {
                var body = $$"""{"name":"student-{{user}}","subject":"math","score":{{n % 100}}}""";
                try
                {
                    using var content = new StringContent(body, Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync(new Uri(baseUrl + "/grade"), content, timeUp.Token);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref created);
                        continue;
                    }
                    Interlocked.Increment(ref failed);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
                {
                    Interlocked.Increment(ref failed);
                    if (!timeUp.IsCancellationRequested)
                    {
                        // The API is down (being restarted): don't spin on refused connections.
                        await Task.Delay(100, CancellationToken.None);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(1, clients).Select(user => Task.Run(() => UserAsync(user))));
        return new Outcome(created, failed, clock.Elapsed);
    }

    /// <summary>One GET on a fresh connection: the status code, or null when no answer came.</summary>
    public static async Task<HttpStatusCode?> StatusAsync(string url)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }
}
