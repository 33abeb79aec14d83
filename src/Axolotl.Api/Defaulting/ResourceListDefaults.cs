using Axolotl.Api.Resources;

namespace Axolotl.Api.Defaulting;

/// <summary>
/// SetDefaults_ResourceList: upstream rounds every resource list value up to milli precision
/// (for API compatibility), so 100n of CPU is stored as 1m.
/// </summary>
public static class ResourceListDefaults
{
    private const int MilliScale = -3;

    public static void RoundToMilli(Dictionary<string, Quantity>? list)
    {
        if (list is null)
        {
            return;
        }
        foreach (var key in list.Keys.ToList())
        {
            var value = list[key];
            var rounded = value.RoundUp(MilliScale);
            if (rounded != value)
            {
                list[key] = rounded;
            }
        }
    }
}
