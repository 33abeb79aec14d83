using Axolotl.SampleApps.Apps;

namespace Axolotl.Agent.Tests.Images;

public class SeedAppsLogicTests
{
    [Theory]
    [InlineData(0, "3")]
    [InlineData(1, "3.1")]
    [InlineData(5, "3.14159")]
    [InlineData(9, "3.141592653")]
    [InlineData(10, "3.1415926535")]
    public void PiIsTruncatedToTheDecimalPlacesAskedFor(int places, string expected) =>
        Assert.Equal(expected, MachinPi.Compute(places));

    [Fact]
    public void PiIsRightFarOut()
    {
        // Digits 991-1000 of pi are 2164201989 (the famous "Feynman point" run of sixes is 762-767).
        var pi = MachinPi.Compute(1000);
        Assert.Equal(1002, pi.Length);
        Assert.Equal("2164201989", pi[^10..]);
        Assert.Equal("999999", pi.Substring(763, 6));
    }

    [Fact]
    public void TodoWebTakesTheLastConnectionStringAndTheHostAndPortOverrides()
    {
        var dir = Directory.CreateTempSubdirectory("axl-todo-cs-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "config"));
            Directory.CreateDirectory(Path.Combine(dir.FullName, "secrets"));
            File.WriteAllText(Path.Combine(dir.FullName, "config", "config.json"), """{"ConnectionStrings":{"ToDoDb":"Host=a;Database=x"}}""");
            File.WriteAllText(Path.Combine(dir.FullName, "secrets", "secrets.json"),
                """{"ConnectionStrings":{"ToDoDb":"Server=todo-db;Database=todo;User Id=postgres;Password=kiamol-2*2*;"}}""");
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(TodoWeb.ResolveConnectionString(dir.FullName));
            Assert.Equal(("todo-db", 5432, "todo", "postgres", "kiamol-2*2*"), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
            Assert.Equal(2, builder.Timeout);

            var none = new Npgsql.NpgsqlConnectionStringBuilder(TodoWeb.ResolveConnectionString("/nonexistent"));
            Assert.Equal(("todo-db", 5432, "todo"), (none.Host, none.Port, none.Database));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
