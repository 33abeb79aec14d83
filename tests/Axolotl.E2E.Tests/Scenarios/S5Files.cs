using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>S5's example folder and the README's speed-up patch.</summary>
internal static class S5Files
{
    private const string Example = "s5-unhealthy-kubia";

    public static string Folder => ExampleFiles.Folder(Example);

    public static string Path(string file) => ExampleFiles.File(Example, file);

    /// <summary>README step 6: one-second probes (after a 5 s allowance for the .NET stand-in to start on a busy machine) and a 1 s grace period, as a merge patch.</summary>
    public const string FastPatch =
        """{"metadata":{"annotations":{"probes.axolotl.io/liveness":"period=1s,initialDelay=5s"}},"spec":{"terminationGracePeriodSeconds":1}}""";

    /// <summary>The RESTARTS cell of the first row of `kubectl get po` ("2" or "2 (5s ago)").</summary>
    public static int Restarts(string table)
    {
        var cells = TableText.Cells(TableText.Lines(table)[1]);
        return int.Parse(cells[3].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
