namespace EchoOperator;

/// <summary>One line per thing the operator did, on stdout, so `kubectl logs` shows it.</summary>
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
}
