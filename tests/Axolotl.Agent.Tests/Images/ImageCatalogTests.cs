using Axolotl.Agent.Images;

namespace Axolotl.Agent.Tests.Images;

public class ImageCatalogTests
{
    private const string SampleApps = "/opt/axolotl/axolotl-sampleapps";

    private static ImageCatalog Catalog(UserImageCatalog? user = null, string busybox = "") =>
        new(new ImageCatalogOptions { SampleAppsPath = SampleApps, BusyboxPath = busybox }, user ?? UserImageCatalog.Empty);

    private static ResolvedImage Resolve(ImageCatalog catalog, string image)
    {
        var result = catalog.Resolve(image);
        Assert.True(result.Succeeded, result.Message);
        return result.Image!;
    }

    [Theory]
    [InlineData("axolotl/kubia-unhealthy", "kubia-unhealthy")]
    [InlineData("luksa/kubia-unhealthy", "kubia-unhealthy")]
    [InlineData("docker.io/luksa/kubia-unhealthy:latest", "kubia-unhealthy")]
    [InlineData("axolotl/memory-hog", "memory-hog")]
    [InlineData("axolotl/exit:latest", "exit")]
    [InlineData("axolotl/http-hello", "http-hello")]
    [InlineData("registry.k8s.io/e2e-test-images/agnhost:2.40", "agnhost")]
    [InlineData("registry.k8s.io/goproxy:0.1", "http-hello")]
    [InlineData("nginx:1.15.12", "http-hello")]
    public void BuiltInImagesRunTheirSampleApp(string image, string app)
    {
        var resolved = Resolve(Catalog(), image);
        Assert.Equal(ImageSource.BuiltIn, resolved.Source);
        Assert.Equal([SampleApps, app], resolved.Entrypoint);
        Assert.Equal(SampleApps, resolved.BuildArgv(null, null)[0]);
        Assert.Equal(app, resolved.BuildArgv(null, null)[1]);
    }

    [Fact]
    public void BuiltInDefaultArgumentsAreTheImagesCmd()
    {
        var catalog = Catalog();
        Assert.Equal([SampleApps, "kubia-unhealthy"], Resolve(catalog, "luksa/kubia-unhealthy").BuildArgv(null, null));
        Assert.Equal([SampleApps, "exit", "--code", "1", "--after", "1s"], Resolve(catalog, "axolotl/exit").BuildArgv(null, null));
        Assert.Equal([SampleApps, "memory-hog", "--step-mib", "10", "--interval", "1s"], Resolve(catalog, "axolotl/memory-hog").BuildArgv(null, null));
        Assert.Equal([SampleApps, "agnhost", "pause"], Resolve(catalog, "registry.k8s.io/e2e-test-images/agnhost:2.40").BuildArgv(null, null));
    }

    [Fact]
    public void CommandReplacesTheEntrypointAndArgsReplaceTheDefaultArgs()
    {
        var exit = Resolve(Catalog(), "axolotl/exit");

        Assert.Equal([SampleApps, "exit", "--code", "3", "--after", "0s"], exit.BuildArgv(null, ["--code", "3", "--after", "0s"]));
        Assert.Equal(["sh", "-c", "exit 7"], exit.BuildArgv(["sh", "-c", "exit 7"], null));
        Assert.Equal(["sleep", "5"], exit.BuildArgv(["sleep"], ["5"]));
        Assert.Equal([SampleApps, "exit", "--code", "1", "--after", "1s"], exit.BuildArgv([], []));
    }

    [Fact]
    public void AgnhostSubcommandsComeFromArgsOrFromItsOwnExecutablePath()
    {
        var agnhost = Resolve(Catalog(), "registry.k8s.io/e2e-test-images/agnhost:2.40");

        Assert.Equal([SampleApps, "agnhost", "liveness"], agnhost.BuildArgv(null, ["liveness"]));
        Assert.Equal([SampleApps, "agnhost", "netexec", "--http-port=8080"], agnhost.BuildArgv(["/agnhost", "netexec", "--http-port=8080"], null));
    }

    [Fact]
    public void NginxTagsThatWereReleasedResolveWithTheirVersionInTheServerHeader()
    {
        var catalog = Catalog();
        var nginx = Resolve(catalog, "nginx:1.15.12");
        Assert.Equal([SampleApps, "http-hello", "--port", "80", "--server", "nginx/1.15.12", "--title", "Welcome to nginx!"], nginx.BuildArgv(null, null));
        Assert.Equal("1.15.12", nginx.Environment["NGINX_VERSION"]);
        Assert.Equal("docker.io/library/nginx:1.15.12", nginx.Image);

        Assert.Contains("nginx/1.16.0", Resolve(catalog, "nginx:1.16.0").BuildArgv(null, null));
        Assert.Contains("nginx/1.17.10", Resolve(catalog, "nginx:1.17").BuildArgv(null, null));
        Assert.True(catalog.Resolve("nginx").Succeeded);
        Assert.True(catalog.Resolve("nginx:1.25.3-alpine").Succeeded);
        Assert.True(catalog.Resolve("nginx:stable").Succeeded);
    }

    [Fact]
    public void AnNginxCommandInAManifestStillRunsTheVersionedServer()
    {
        var nginx = Resolve(Catalog(), "nginx:1.16.0");
        var argv = nginx.BuildArgv(["nginx", "-g", "daemon off;"], null);
        Assert.Equal([SampleApps, "http-hello", "--port", "80", "--server", "nginx/1.16.0", "--title", "Welcome to nginx!", "-g", "daemon off;"], argv);
    }

    [Theory]
    [InlineData("nginx:1.17.23")]
    [InlineData("nginx:9.9.9")]
    [InlineData("luksa/kubia-unhealthy:v2")]
    [InlineData("registry.k8s.io/e2e-test-images/agnhost:9.1")]
    public void AMissingTagOfAKnownImageIsNotFound(string image)
    {
        var result = Catalog().Resolve(image);
        Assert.False(result.Succeeded);
        Assert.Equal("ErrImagePull", result.Reason);
        Assert.True(ImageReference.TryParse(image, out var r));
        Assert.Equal(
            $"rpc error: code = NotFound desc = failed to pull and unpack image \"{r!.Canonical}\": failed to resolve reference \"{r.Canonical}\": {r.Canonical}: not found",
            result.Message);
    }

    [Fact]
    public void AnUnknownDockerHubRepositoryIsPullAccessDenied()
    {
        var result = Catalog().Resolve("someone/does-not-exist:1.0");
        Assert.Equal("ErrImagePull", result.Reason);
        Assert.Equal(
            "rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/someone/does-not-exist:1.0\": failed to resolve reference \"docker.io/someone/does-not-exist:1.0\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
            result.Message);
        Assert.Equal(
            "Failed to pull image \"someone/does-not-exist:1.0\": " + result.Message,
            ImagePullMessages.FailedToPull(result.RequestedImage, result.Message!));
    }

    [Fact]
    public void AnUnknownImageOnAnotherRegistryIsNotFound()
    {
        var result = Catalog().Resolve("quay.io/team/app:v1");
        Assert.Equal("ErrImagePull", result.Reason);
        Assert.EndsWith("quay.io/team/app:v1: not found", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnparseableReferenceIsAnInvalidImageName()
    {
        var result = Catalog().Resolve("Bad Image");
        Assert.Equal("InvalidImageName", result.Reason);
        Assert.Equal("Failed to apply default image tag \"Bad Image\": couldn't parse image name \"Bad Image\": invalid reference format", result.Message);
    }

    [Theory]
    [InlineData("busybox", "sh")]
    [InlineData("busybox:1.36", "sh")]
    [InlineData("alpine:3.19", "/bin/sh")]
    [InlineData("debian:bookworm", "bash")]
    [InlineData("ubuntu:22.04", "/bin/bash")]
    public void HostImagesRunHostCommandsWithAnyTag(string image, string shell)
    {
        var resolved = Resolve(Catalog(), image);
        Assert.Equal(ImageSource.Host, resolved.Source);
        Assert.Equal([shell], resolved.BuildArgv(null, null));
        Assert.Equal(["sleep", "3600"], resolved.BuildArgv(["sleep", "3600"], null));
        Assert.Equal([shell, "-c", "echo hi"], resolved.BuildArgv(null, [shell, "-c", "echo hi"]).ToArray());
        Assert.Contains("/usr/bin", resolved.Environment["PATH"], StringComparison.Ordinal);
    }

    [Fact]
    public void TheBusyboxImageUsesTheHostBusyboxWhenThereIsOne()
    {
        var catalog = Catalog(busybox: "/usr/bin/busybox");
        Assert.Equal(["/usr/bin/busybox", "sh"], Resolve(catalog, "busybox").BuildArgv(null, null));
        Assert.Equal(["/usr/bin/busybox", "sleep", "10"], Resolve(catalog, "busybox").BuildArgv(["sleep", "10"], null));
        Assert.Equal(["/bin/sh"], Resolve(catalog, "alpine").BuildArgv(null, null));
    }

    [Fact]
    public void UserCatalogEntriesResolveByExactTagThenByWildcardAndOverrideBuiltIns()
    {
        var user = UserImageCatalog.Parse("""
            images:
              - image: example.com/shop/api:1.2
                command: ["/usr/bin/python3", "-m", "http.server"]
                args: ["8080"]
                workingDir: /srv/shop
                env:
                  GREETING: hello
              - image: example.com/shop/api:*
                command: ["/bin/false"]
              - image: nginx:1.15.12
                command: ["/usr/sbin/nginx"]
                args: ["-g", "daemon off;"]
            """);
        var catalog = Catalog(user);

        var api = Resolve(catalog, "example.com/shop/api:1.2");
        Assert.Equal(ImageSource.User, api.Source);
        Assert.Equal(["/usr/bin/python3", "-m", "http.server", "8080"], api.BuildArgv(null, null));
        Assert.Equal(["/usr/bin/python3", "-m", "http.server", "9090"], api.BuildArgv(null, ["9090"]));
        Assert.Equal("/srv/shop", api.WorkingDirectory);
        Assert.Equal("hello", api.Environment["GREETING"]);

        Assert.Equal(["/bin/false"], Resolve(catalog, "example.com/shop/api:2.0").BuildArgv(null, null));
        Assert.Equal(["/usr/sbin/nginx", "-g", "daemon off;"], Resolve(catalog, "nginx:1.15.12").BuildArgv(null, null));
        Assert.Equal(ImageSource.BuiltIn, Resolve(catalog, "nginx:1.16.0").Source);
    }

    [Fact]
    public void AMissingTagOfAUserRepositoryIsNotFound()
    {
        var user = UserImageCatalog.Parse("images: [{image: 'mine/app:1.0', command: [/bin/true]}]");
        var result = Catalog(user).Resolve("mine/app:2.0");
        Assert.Equal("ErrImagePull", result.Reason);
        Assert.EndsWith("docker.io/mine/app:2.0: not found", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("images: [{image: 'Bad Ref', command: [x]}]", "images[0].image")]
    [InlineData("images: [{image: 'ok/app:1'}]", "command or args is required")]
    [InlineData("images: [{image: 'ok/app:1', command: [x]", "catalog.yaml")]
    public void ABrokenUserCatalogIsRejectedWithTheReason(string yaml, string expected)
    {
        var e = Assert.Throws<FormatException>(() => UserImageCatalog.Parse(yaml, "catalog.yaml"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheUserCatalogIsReadFromTheConfiguredFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"axolotl-catalog-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "images:\n  - image: mine/tool:1\n    command: [/usr/bin/env]\n");
        try
        {
            var catalog = new ImageCatalog(new ImageCatalogOptions { SampleAppsPath = SampleApps, UserCatalogPath = path });
            Assert.Equal(["/usr/bin/env"], Resolve(catalog, "mine/tool:1").BuildArgv(null, null));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ImageIdsAreStableAndDifferPerImage()
    {
        var a = Resolve(Catalog(), "nginx:1.15.12");
        var b = Resolve(Catalog(), "docker.io/library/nginx:1.15.12");
        var c = Resolve(Catalog(), "nginx:1.16.0");

        Assert.Equal(a.ImageId, b.ImageId);
        Assert.NotEqual(a.ImageId, c.ImageId);
        Assert.Matches("^docker.io/library/nginx@sha256:[0-9a-f]{64}$", a.ImageId);
    }

    [Fact]
    public void AnImageWithoutAnyCommandGivesAnEmptyArgvUnlessTheContainerNamesOne()
    {
        Assert.True(ImageReference.TryParse("mine/empty", out var reference));
        var image = new ResolvedImage(reference!, ImageSource.User, "id", [], [], null, new Dictionary<string, string>());

        Assert.Empty(image.BuildArgv(null, null));
        Assert.Equal(["--x"], image.BuildArgv(null, ["--x"]));
        Assert.Equal(["/bin/true"], image.BuildArgv(["/bin/true"], null));
    }

    [Fact]
    public void PullEventsAreWordedAsTheKubeletWordsThem()
    {
        Assert.Equal("Pulling image \"nginx:1.15.12\"", ImagePullMessages.Pulling("nginx:1.15.12"));
        Assert.Equal(
            "Successfully pulled image \"nginx:1.15.12\" in 12ms (12ms including waiting). Image size: 4096 bytes.",
            ImagePullMessages.Pulled("nginx:1.15.12", TimeSpan.FromMilliseconds(12.2), TimeSpan.FromMilliseconds(12.4), 4096));
        Assert.Equal("Container image \"nginx:1.15.12\" already present on machine", ImagePullMessages.AlreadyPresent("nginx:1.15.12"));
        Assert.Equal("Error: ImagePullBackOff", ImagePullMessages.Error("ImagePullBackOff"));
    }

    [Fact]
    public void A_program_of_the_real_image_runs_its_stand_in_in_exec_and_in_commands()
    {
        var postgres = Catalog().Resolve("postgres:11.6-alpine").Image!;

        Assert.Equal([SampleApps, "pg-isready", "-h", "localhost"], postgres.ExecArgv(["pg_isready", "-h", "localhost"]));
        Assert.Equal([SampleApps, "pg-isready"], postgres.BuildArgv(["/usr/local/bin/pg_isready"], null));
        // Anything else runs as given, and other images have no such tools.
        Assert.Equal(["sh", "-c", "true"], postgres.ExecArgv(["sh", "-c", "true"]));
        Assert.Equal(["pg_isready"], Catalog().Resolve("nginx:1.17").Image!.ExecArgv(["pg_isready"]));
    }
}
