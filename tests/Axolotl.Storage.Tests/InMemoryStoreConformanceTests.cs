using Axolotl.Storage.Memory;

namespace Axolotl.Storage.Tests;

public sealed class InMemoryStoreConformanceTests : StoreConformanceTests
{
    protected override Task<IStore> CreateStoreCoreAsync(int watchChannelCapacity) =>
        Task.FromResult<IStore>(new InMemoryStore(watchChannelCapacity));
}
