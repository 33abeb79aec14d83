namespace Axolotl.Proxy.Tests;

/// <summary>A fact that needs root (it changes links and routes); skipped with the reason otherwise. CI runs as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root to create links and routes";
        }
    }
}
