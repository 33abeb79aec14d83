using Axolotl.Agent.Images;

namespace Axolotl.Agent.Tests.Images;

/// <summary>The public images of seeds 000 and 001 and what they run here.</summary>
public class ScenarioImageCatalogTests
{
    private const string SampleApps = "/opt/axolotl/axolotl-sampleapps";

    private static readonly ImageCatalog Catalog =
        new(new ImageCatalogOptions { SampleAppsPath = SampleApps, BusyboxPath = "" }, UserImageCatalog.Empty);

    private static ResolvedImage Resolve(string image)
    {
        var result = Catalog.Resolve(image);
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(ImageSource.BuiltIn, result.Image!.Source);
        return result.Image;
    }

    [Theory]
    [InlineData("rslim087/kubernetes-course-grade-submission-api:stateful", "grade-api")]
    [InlineData("rslim087/kubernetes-course-grade-submission-api", "grade-api")]
    [InlineData("rslim087/kubernetes-course-grade-submission-portal", "grade-portal")]
    [InlineData("docker.io/rslim087/kubernetes-course-grade-submission-portal:stateful", "grade-portal")]
    [InlineData("kiamol/ch03-numbers-api", "numbers-api")]
    [InlineData("kiamol/ch04-todo-list:latest", "todo-web")]
    [InlineData("postgres:11.6-alpine", "todo-db")]
    [InlineData("postgres:11.8-alpine", "todo-db")]
    [InlineData("postgres:12", "todo-db")]
    [InlineData("postgres:16.4-bookworm", "todo-db")]
    [InlineData("postgres", "todo-db")]
    [InlineData("axolotl/load", "load")]
    public void SeedImagesRunTheirSampleAppWithTheImagesDefaultCommand(string image, string app) =>
        Assert.Equal([SampleApps, app], Resolve(image).BuildArgv(null, null));

    [Fact]
    public void TheMemoryAllocatorGrowsTenMiBEveryFiveSecondsLikeTheOriginal() =>
        Assert.Equal([SampleApps, "memory-hog", "--step-mib", "10", "--interval", "5s"],
            Resolve("kiamol/ch12-memory-allocator").BuildArgv(null, null));

    [Fact]
    public void ThePiImageRunsTheWebServerByDefaultAndForTheManifestsDotnetCommand()
    {
        var pi = Resolve("kiamol/ch05-pi");
        Assert.Equal([SampleApps, "pi", "-m", "web"], pi.BuildArgv(null, null));
        Assert.Equal([SampleApps, "pi", "Pi.Web.dll", "-m", "web"], pi.BuildArgv(["dotnet", "Pi.Web.dll", "-m", "web"], null));
        Assert.Equal([SampleApps, "pi", "-m", "console", "-dp", "100"], pi.BuildArgv(null, ["-m", "console", "-dp", "100"]));
    }

    [Fact]
    public void APostgresCommandRunsTheTodoDatabaseAndAShellCommandRunsTheShell()
    {
        var db = Resolve("postgres:11.8-alpine");
        Assert.Equal([SampleApps, "todo-db", "-c", "max_connections=50"], db.BuildArgv(["postgres", "-c", "max_connections=50"], null));
        Assert.Equal([SampleApps, "todo-db", "postgres"], db.BuildArgv(["docker-entrypoint.sh", "postgres"], null));
        Assert.Equal(["sh", "-c", "sleep 30m"], db.BuildArgv(["sh", "-c", "sleep 30m"], null));
        Assert.Equal("11", db.Environment["PG_MAJOR"]);
    }

    [Fact]
    public void TheGradeApiRunsWithTheSmallGcBudgetItsMemoryWasTunedWith() =>
        Assert.Equal("0x100000", Resolve("rslim087/kubernetes-course-grade-submission-api:stateful").Environment["DOTNET_GCgen0size"]);

    [Theory]
    [InlineData("postgres:99.1")]
    [InlineData("postgres:11.6-nope")]
    [InlineData("kiamol/ch03-numbers-api:v2")]
    [InlineData("rslim087/kubernetes-course-grade-submission-api:stateless")]
    [InlineData("kiamol/ch12-memory-allocator:1.0")]
    public void MissingTagsOfSeedImagesAreNotFound(string image)
    {
        var result = Catalog.Resolve(image);
        Assert.False(result.Succeeded);
        Assert.Equal(ImageResolution.ErrImagePull, result.Reason);
        Assert.Contains(": not found", result.Message, StringComparison.Ordinal);
    }
}
