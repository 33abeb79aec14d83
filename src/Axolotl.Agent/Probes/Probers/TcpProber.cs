namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// tcpSocket: success when the port accepts a connection within the timeout (closed again at once;
/// an application that drops it straight away is still healthy), as pkg/probe/tcp does.
/// </summary>
internal sealed class TcpProber(TimeProvider time)
{
    public async Task<ProbeResult> ProbeAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = new ProbeDeadline(timeout, time, ct);
        try
        {
            using var socket = await ProbeDialer.ConnectAsync(host, port, deadline.Token);
            return ProbeResult.Success();
        }
        catch (ProbeDialException e)
        {
            return ProbeResult.Failure(e.Message);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            return ProbeResult.Failure(ProbeDialer.Timeout(host, port));
        }
    }
}
