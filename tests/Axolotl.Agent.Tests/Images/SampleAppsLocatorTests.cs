using Axolotl.Agent.Images;

namespace Axolotl.Agent.Tests.Images;

public sealed class SampleAppsLocatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-locator-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheExecutableNextToTheAxolotlBinaryIsUsed()
    {
        var apphost = Path.Combine(_dir, "axolotl-sampleapps");
        File.WriteAllText(apphost, "");
        File.WriteAllText(apphost + ".dll", "");

        Assert.Equal([apphost], SampleAppsLocator.Locate(null, _dir));
    }

    [Fact]
    public void WithoutAnApphostTheDllRunsUnderTheDotnetHost()
    {
        var dll = Path.Combine(_dir, "axolotl-sampleapps.dll");
        File.WriteAllText(dll, "");

        var argv = SampleAppsLocator.Locate(null, _dir);
        Assert.Equal(2, argv.Count);
        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(argv[0]));
        Assert.Equal(dll, argv[1]);
    }

    [Fact]
    public void AConfiguredPathWins()
    {
        File.WriteAllText(Path.Combine(_dir, "axolotl-sampleapps"), "");
        Assert.Equal(["/opt/x/axolotl-sampleapps"], SampleAppsLocator.Locate("/opt/x/axolotl-sampleapps", _dir));
        Assert.Equal("/opt/x/apps.dll", SampleAppsLocator.Locate("/opt/x/apps.dll", _dir)[1]);
    }
}
