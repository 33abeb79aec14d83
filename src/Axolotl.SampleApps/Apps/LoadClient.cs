using System.Net.Http.Headers;
using System.Text;
using Axolotl.SampleApps.Common;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// A closed-loop load generator, like the Postman runner of seed 000: each of --clients virtual
/// users sends its next request as soon as the previous one ends, on its own keep-alive
/// connection, for --duration. Prints one line per second (answers by status, failures) and a
/// total; exits 0 when it ran the full duration (failures are data, not errors).
/// </summary>
public static class LoadClient
{
    public static async Task<int> RunAsync(AppArgs args)
    {
        var url = new Uri(args.Get("url") ?? throw new FormatException("--url is required"));
        var clients = args.GetInt("clients", 25);
        var duration = args.GetDuration("duration", TimeSpan.FromSeconds(60));
        var method = new HttpMethod(args.Get("method", args.Get("body") is null ? "GET" : "POST"));
        var body = args.Get("body");
        var timeout = args.GetDuration("timeout", TimeSpan.FromSeconds(5));
        var time = TimeProvider.System;

        using var stopping = new CancellationTokenSource();
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stopping.Cancel();
            });
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { Timeout = timeout };
        var counts = new Counts();
        var started = time.GetTimestamp();
        Log.Line($"load: {clients} clients, {method} {url}, for {duration.TotalSeconds:0}s");

        async Task UserAsync()
        {
            while (!stopping.IsCancellationRequested && time.GetElapsedTime(started) < duration)
            {
                try
                {
                    using var request = new HttpRequestMessage(method, url);
                    if (body is not null)
                    {
                        request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
                    }

                    using var response = await http.SendAsync(request, stopping.Token);
                    await response.Content.ReadAsByteArrayAsync(stopping.Token);
                    counts.Add((int)response.StatusCode);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    counts.Fail();

                    // A refused connection returns at once; pace the retry so a dead server is not spun on.
                    await Task.Delay(TimeSpan.FromMilliseconds(100), time, CancellationToken.None);
                }
            }
        }

        var users = Enumerable.Range(0, clients).Select(_ => Task.Run(UserAsync)).ToList();
        var all = Task.WhenAll(users);
        var second = 0;
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1), time, CancellationToken.None));
            Log.Line($"load: t={++second}s {counts.TakeSecond()}");
        }

        await all;
        Log.Line($"load: total {counts.Total()}");
        return 0;
    }

    private sealed class Counts
    {
        private readonly Lock _gate = new();
        private readonly SortedDictionary<int, long> _second = [];
        private readonly SortedDictionary<int, long> _total = [];
        private long _secondFailed;
        private long _totalFailed;

        public void Add(int status)
        {
            lock (_gate)
            {
                _second[status] = _second.GetValueOrDefault(status) + 1;
                _total[status] = _total.GetValueOrDefault(status) + 1;
            }
        }

        public void Fail()
        {
            lock (_gate)
            {
                _secondFailed++;
                _totalFailed++;
            }
        }

        public string TakeSecond()
        {
            lock (_gate)
            {
                var text = Format(_second, _secondFailed);
                _second.Clear();
                _secondFailed = 0;
                return text;
            }
        }

        public string Total()
        {
            lock (_gate)
            {
                return Format(_total, _totalFailed);
            }
        }

        private static string Format(SortedDictionary<int, long> byStatus, long failed) =>
            string.Join(' ', byStatus.Select(kv => $"{kv.Key}={kv.Value}").Append($"failed={failed}"));
    }
}
