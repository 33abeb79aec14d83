using Axolotl.Images.Distribution;

namespace Axolotl.Images.Tests.Distribution;

public class ImageReferenceTests
{
    [Theory]
    [InlineData("nginx", "docker.io/library/nginx:latest")]
    [InlineData("nginx:1.15.12", "docker.io/library/nginx:1.15.12")]
    [InlineData("docker.io/library/nginx:1.15.12", "docker.io/library/nginx:1.15.12")]
    [InlineData("index.docker.io/library/busybox", "docker.io/library/busybox:latest")]
    [InlineData("luksa/kubia-unhealthy", "docker.io/luksa/kubia-unhealthy:latest")]
    [InlineData("registry.k8s.io/e2e-test-images/agnhost:2.40", "registry.k8s.io/e2e-test-images/agnhost:2.40")]
    [InlineData("localhost:5000/team/app:v1", "localhost:5000/team/app:v1")]
    [InlineData("localhost/app", "localhost/app:latest")]
    [InlineData("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "docker.io/library/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void ReferencesNormaliseAsContainerdSpellsThem(string image, string canonical)
    {
        Assert.True(ImageReference.TryParse(image, out var reference));
        Assert.Equal(canonical, reference.Canonical);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" nginx")]
    [InlineData("Nginx")]
    [InlineData("nginx:")]
    [InlineData("nginx::1")]
    [InlineData("a b")]
    [InlineData("nginx@sha256:xyz")]
    [InlineData("nginx:1.0/x")]
    public void MalformedReferencesAreRejected(string image) =>
        Assert.False(ImageReference.TryParse(image, out _));
}
