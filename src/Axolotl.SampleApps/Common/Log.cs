namespace Axolotl.SampleApps.Common;

/// <summary>Line-oriented stdout logging, flushed per line so `kubectl logs -f` sees it at once.</summary>
public static class Log
{
    private static readonly Lock Gate = new();

    public static void Line(string message)
    {
        lock (Gate)
        {
            Console.Out.WriteLine(message);
            Console.Out.Flush();
        }
    }

    public static void Error(string message)
    {
        lock (Gate)
        {
            Console.Error.WriteLine(message);
            Console.Error.Flush();
        }
    }
}
