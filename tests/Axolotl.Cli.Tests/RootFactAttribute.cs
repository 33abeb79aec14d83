namespace Axolotl.Cli.Tests;

/// <summary>A fact that needs root (it takes another process's socket with pidfd_getfd); skipped with the reason otherwise. CI runs as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root to take another process's socket";
        }
    }
}
