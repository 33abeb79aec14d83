namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// What one probe run found. Output is the kubelet's text: the response body or command output on
/// success, and the reason on failure, worded like upstream so events read the same
/// ("HTTP probe failed with statuscode: 500", "dial tcp 10.244.0.5:8080: connect: connection refused").
/// </summary>
public sealed record ProbeResult(ProbeOutcome Outcome, string Output)
{
    public static ProbeResult Success(string output = "") => new(ProbeOutcome.Success, output);

    public static ProbeResult Warning(string output) => new(ProbeOutcome.Warning, output);

    public static ProbeResult Failure(string output) => new(ProbeOutcome.Failure, output);

    /// <summary>
    /// The status code of an HTTP answer the probe judged a failure (400 and up); null when no
    /// answer came. Lifecycle hooks count any answer as success, as the kubelet's hook runner does.
    /// </summary>
    public int? HttpStatus { get; init; }
}
