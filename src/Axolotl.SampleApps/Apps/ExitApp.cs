using System.Runtime.InteropServices;
using Axolotl.SampleApps.Common;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Sleeps, then exits with a chosen code: <c>exit --code 3 --after 2s</c>. SIGTERM while sleeping
/// ends it with 143 (128 + SIGTERM), as an application without a handler would.
/// </summary>
public static class ExitApp
{
    public static async Task<int> RunAsync(AppArgs args)
    {
        var code = args.GetInt("code", 0);
        var after = args.GetDuration("after", TimeSpan.Zero);
        var message = args.Get("message");
        using var terminated = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            terminated.Cancel();
        });

        Log.Line($"exit: will exit with code {code} after {after.TotalSeconds:0.###}s");
        try
        {
            if (after > TimeSpan.Zero)
            {
                await Task.Delay(after, TimeProvider.System, terminated.Token);
            }
        }
        catch (OperationCanceledException)
        {
            Log.Line("exit: received SIGTERM");
            return 143;
        }

        if (message is not null)
        {
            Log.Line(message);
        }

        Log.Line($"exit: exiting with code {code}");
        return code;
    }
}
