using Axolotl.ApiServer.Encryption;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Tests.Encryption;

/// <summary>
/// The encryption wrapper sits in front of every store the server opens, so an <see cref="IStore"/> member it leaves to
/// the interface's default (progress, "unchanged between") would silently turn that store's answer into the default's.
/// </summary>
public sealed class TransformingStoreForwardingTests
{
    [Fact]
    public void Every_store_member_is_implemented_by_the_wrapper_not_left_to_the_interfaces_default()
    {
        var map = typeof(TransformingStore).GetInterfaceMap(typeof(IStore));

        var defaulted = map.TargetMethods.Where(m => m.DeclaringType != typeof(TransformingStore)).Select(m => m.Name);

        Assert.Empty(defaulted);
    }
}
