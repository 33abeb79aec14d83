using Axolotl.Api.Core;
using Axolotl.Images;
using Axolotl.Runtime;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// Runs one probe of one container once, bounded by its timeout, and reports what the kubelet's
/// prober would: Success, Warning (success with a ProbeWarning event) or Failure, with upstream's
/// output text. Probe problems never throw; only cancellation of <c>ct</c> does.
/// Thread-safe: one runner serves every probe worker of the node.
/// </summary>
public sealed class ProbeRunner : IProbeRunner, IDisposable
{
    private readonly HttpProber _http;
    private readonly TcpProber _tcp;
    private readonly ExecProber _exec;
    private readonly GrpcProber _grpc;

    public ProbeRunner(IContainerRuntime runtime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(time);
        _http = new HttpProber(time);
        _tcp = new TcpProber(time);
        _exec = new ExecProber(runtime, time);
        _grpc = new GrpcProber(time);
    }

    /// <summary>
    /// Runs the probe's handler (exactly one of exec, httpGet, tcpSocket, grpc). The timeout may be
    /// under a second; zero or less fails at once as a timeout would.
    /// </summary>
    public async Task<ProbeResult> RunAsync(Probe probe, ProbeTarget target, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(target);
        ct.ThrowIfCancellationRequested();
        var handlers = (probe.Exec is null ? 0 : 1) + (probe.HttpGet is null ? 0 : 1) + (probe.TcpSocket is null ? 0 : 1) + (probe.Grpc is null ? 0 : 1);
        if (handlers == 0)
        {
            return ProbeResult.Failure($"missing probe handler for container {target.Container.Name}");
        }

        if (handlers > 1)
        {
            // The API rejects this ("may not specify more than 1 handler type"); a pod that got through anyway is not guessed at.
            return ProbeResult.Failure($"may not specify more than 1 handler type (container {target.Container.Name})");
        }

        try
        {
            if (probe.Exec is { } exec)
            {
                return await _exec.ProbeAsync(exec, target, timeout, ct);
            }

            if (probe.HttpGet is { } httpGet)
            {
                return await _http.ProbeAsync(httpGet, target, timeout, ct);
            }

            if (probe.TcpSocket is { } tcp)
            {
                if (!ContainerPortResolver.TryResolve(tcp.Port, target.Container, out var port, out var error))
                {
                    return ProbeResult.Failure(error);
                }

                return await _tcp.ProbeAsync(string.IsNullOrEmpty(tcp.Host) ? target.Host : tcp.Host, port, timeout, ct);
            }

            return await _grpc.ProbeAsync(probe.Grpc!, target, timeout, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // A prober bug or an unexpected runtime error must not take down the probe worker.
            return ProbeResult.Failure($"probe error: {e.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
