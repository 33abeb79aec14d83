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

    [Theory]
    [InlineData("Host=todo-db;Port=5433;Database=todo", "todo-db", 5433)]
    [InlineData("Server=todo-db;Database=todo;User Id=postgres;Password=kiamol-2*2*;", "todo-db", null)]
    [InlineData("server=db.local,6543", "db.local", 6543)]
    [InlineData("Database=todo", null, null)]
    [InlineData("", null, null)]
    public void TodoConnectionStringsGiveTheDatabaseHostAndPort(string connectionString, string? host, int? port) =>
        Assert.Equal((host, port), TodoDbProtocol.ParseConnectionString(connectionString));
}
