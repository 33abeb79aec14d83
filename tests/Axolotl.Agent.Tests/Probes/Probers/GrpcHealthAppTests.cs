using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Agent.Tests.Images;
using Axolotl.Api.Core;
using Axolotl.Runtime.Fake;

namespace Axolotl.Agent.Tests.Probes.Probers;

/// <summary>The sample app's grpc-health mode as a process: flags, readiness line, SIGTERM.</summary>
public sealed class GrpcHealthAppTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ServesUntilTheServingTimeIsUpAndStopsCleanlyOnSigterm()
    {
        var port = ProbeTestServer.ClosedPort();
        var argv = SampleAppsBinary.Find().Concat(["grpc-health", "--port", port.ToString(CultureInfo.InvariantCulture), "--serving-for", "0s"]).ToList();
        var info = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, UseShellExecute = false };
        argv.Skip(1).ToList().ForEach(info.ArgumentList.Add);
        using var process = Process.Start(info)!;
        try
        {
            while (await process.StandardOutput.ReadLineAsync().WaitAsync(Timeout) is { } line && !line.StartsWith("listening on 0.0.0.0:", StringComparison.Ordinal))
            {
            }

            using var runner = new ProbeRunner(new FakeRuntime(TimeProvider.System), TimeProvider.System);
            var result = await runner.RunAsync(new Probe { Grpc = new GRPCAction { Port = port } }, ProbeTestServer.Target(), TimeSpan.FromSeconds(5), CancellationToken.None);

            Assert.Equal(ProbeResult.Failure("service unhealthy (responded with \"NOT_SERVING\")"), result);
            Assert.Equal(0, Kill(process.Id, 15));
            await process.WaitForExitAsync().WaitAsync(Timeout);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
