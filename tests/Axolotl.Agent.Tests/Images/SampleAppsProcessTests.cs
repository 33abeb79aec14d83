using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.Agent.Tests.Images;

public class SampleAppsProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheExitAppExitsWithTheChosenCode()
    {
        using var process = Start(["exit", "--code", "3", "--after", "0s"]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);

        Assert.Equal(3, process.ExitCode);
        Assert.Contains("exiting with code 3", await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownAppIsAUsageError()
    {
        using var process = Start(["no-such-app"]);
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("usage: axolotl-sampleapps", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubiaUnhealthyAnswersFiveTimesThenFailsAndIgnoresSigtermLikeNodeAsPid1()
    {
        var port = FreePort();
        using var process = Start(["kubia-unhealthy", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            await WaitForLineAsync(process, "listening on 0.0.0.0:");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = Timeout };
            var codes = new List<int>();
            for (var i = 0; i < 7; i++)
            {
                using var response = await http.GetAsync(new Uri("/", UriKind.Relative));
                codes.Add((int)response.StatusCode);
                if (i == 0)
                {
                    Assert.Equal($"You've hit {Environment.MachineName}\n", await response.Content.ReadAsStringAsync());
                }
            }

            Assert.Equal(new[] { 200, 200, 200, 200, 200, 500, 500 }, codes);

            // SIGTERM changes nothing: it keeps answering (the seed's describe shows 137 after the grace period).
            Assert.Equal(0, Kill(process.Id, 15));
            using (var after = await http.GetAsync(new Uri("/", UriKind.Relative)))
            {
                Assert.Equal(500, (int)after.StatusCode);
            }
            Assert.False(process.HasExited);
            Assert.Equal(0, Kill(process.Id, 9));
            await process.WaitForExitAsync().WaitAsync(Timeout);
            Assert.Equal(137, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task KubiaUnhealthyStopsCleanlyOnSigtermWhenAskedTo()
    {
        var port = FreePort();
        using var process = Start(["kubia-unhealthy", "--honor-sigterm", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            await WaitForLineAsync(process, "listening on 0.0.0.0:");
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

    private static Process Start(IReadOnlyList<string> args)
    {
        var argv = SampleAppsBinary.Find().Concat(args).ToList();
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1))
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }

    private static async Task WaitForLineAsync(Process process, string prefix)
    {
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(Timeout) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return;
            }
        }

        throw new InvalidOperationException($"the app exited before printing \"{prefix}\"");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
