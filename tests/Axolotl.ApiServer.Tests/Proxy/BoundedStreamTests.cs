using Axolotl.ApiServer.Proxy;

namespace Axolotl.ApiServer.Tests.Proxy;

public sealed class BoundedStreamTests
{
    [Fact]
    public async Task A_body_within_the_limit_reads_through()
    {
        using var inner = new MemoryStream(new byte[100]);
        await using var bounded = new BoundedStream(inner, 100);
        using var copy = new MemoryStream();

        await bounded.CopyToAsync(copy);

        Assert.Equal(100, copy.Length);
        Assert.False(bounded.Exceeded);
    }

    [Fact]
    public async Task A_body_over_the_limit_fails_and_says_so()
    {
        using var inner = new MemoryStream(new byte[101]);
        await using var bounded = new BoundedStream(inner, 100);

        await Assert.ThrowsAsync<IOException>(() => bounded.CopyToAsync(Stream.Null));
        Assert.True(bounded.Exceeded);
    }
}
