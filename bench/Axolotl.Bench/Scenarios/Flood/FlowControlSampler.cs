using System.Globalization;
using System.Text;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Flood;

/// <summary>
/// Reads the server's flow control gauges for one level once a second while a phase runs (through /metrics, as the
/// admin, whose requests are exempt and so are answered during a flood): requests executing and waiting in the
/// level, the seats those executing hold (more than one each for requests the server prices wider, such as LISTs of
/// many objects) and its current seat limit, and the read-only requests in the server's handler at all. They tell whether the flood filled the level, which 429s alone do not.
/// </summary>
internal sealed class FlowControlSampler(ApiClient admin, string level)
{
    private readonly List<(double Executing, double Waiting, double Seats, double ReadOnlyInFlight, double SeatsExecuting)> _samples = [];

    public IReadOnlyList<(double Executing, double Waiting, double Seats, double ReadOnlyInFlight, double SeatsExecuting)> Samples => _samples;

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var text = Encoding.UTF8.GetString(await admin.GetAsync("/metrics", stop, "text/plain"));
                _samples.Add((Sum(text, "apiserver_flowcontrol_current_executing_requests{"), Sum(text, "apiserver_flowcontrol_current_inqueue_requests{"),
                    Sum(text, "apiserver_flowcontrol_current_limit_seats{"), ReadOnlyInFlight(text), Sum(text, "apiserver_flowcontrol_current_executing_seats{")));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The phase is over.
        }
    }

    // Read-only requests anywhere in the server's handler (authentication, flow control, running), not only in this level.
    private static double ReadOnlyInFlight(string text)
    {
        const string prefix = "apiserver_current_inflight_requests{request_kind=\"readOnly\"} ";
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }

    // The metric's values over every line of this level (executing and waiting are also split by FlowSchema).
    private double Sum(string text, string prefix)
    {
        var total = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal) && line.Contains($"priority_level=\"{level}\"", StringComparison.Ordinal))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }
        return total;
    }
}
