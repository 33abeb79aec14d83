using System.Text.Json;

namespace Axolotl.Cli.Tests;

/// <summary>The GC settings the binary ships with (docs/flows/server-memory.md, ADR 0024), read from the runtimeconfig.json the build writes.</summary>
public sealed class GcSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "axolotl.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void Gen0s_budget_is_capped_at_6_MB()
    {
        // Every MB of gen0 budget is resident between collections: at rest the server allocates 1-2 MB/s.
        Assert.Equal(6 * 1024 * 1024, ConfigProperties().GetProperty("System.GC.Gen0MaxBudget").GetInt64());
    }

    [Fact]
    public void The_GC_is_the_non_concurrent_workstation_one()
    {
        var properties = ConfigProperties();
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }
}
