using System.Diagnostics;
using System.Net;
using Axolotl.Bench.Scenarios.Traffic;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// The soak's user traffic: closed-loop HTTP clients through the Deployment's NodePort, one new
/// connection per request (<see cref="LoadGenerator"/>'s request). A failed request waits 100 ms before
/// the next, as a real client would, so an outage is counted in requests, not in a spin of refused connects.
/// Their first answer after the restart marks the NodePort back (<see cref="ServerOutage.MarkServing"/>).
/// </summary>
internal static class NodePortClients
{
    public const int Clients = 5;
    private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromMilliseconds(100);

    public static Task RunAsync(IPEndPoint nodePort, ServerOutage outage, WebEndpointGaps gaps, FailureCount count, CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(() => ClientAsync(nodePort, outage, gaps, count, ct), CancellationToken.None)));

    private static async Task ClientAsync(IPEndPoint nodePort, ServerOutage outage, WebEndpointGaps gaps, FailureCount count, CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var sample = await LoadGenerator.OneAsync(nodePort, buffer, ct);
                var end = sample.Start + (long)(sample.Milliseconds / 1000 * Stopwatch.Frequency);
                if (sample.Error is null)
                {
                    outage.MarkServing(end);
                    count.Succeeded();
                    continue;
                }
                count.Failed(outage.Overlaps(sample.Start, end), sample.Error, outage.BeforeServing(sample.Start, end), gaps.Overlaps(sample.Start, end));
                await Task.Delay(PauseAfterFailure, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The soak is over.
        }
    }
}
