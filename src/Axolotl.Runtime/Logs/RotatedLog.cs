namespace Axolotl.Runtime.Logs;

/// <summary>
/// Where the rotated chunk of a container's log lives: the log's name plus ".1", one chunk kept. The
/// native launcher rotates so (Native/launch-monitor.c); the agent's rotation of shell-chain logs and
/// its log reader follow the same rule.
/// </summary>
public static class RotatedLog
{
    public static string PathOf(string logPath) => logPath + ".1";
}
