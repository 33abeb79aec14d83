using Axolotl.Agent.Recovery;

namespace Axolotl.Agent.Tests.Recovery;

/// <summary>Checkpoints are written behind the pod's lane: a read sees the newest, a delete is final.</summary>
public sealed class CheckpointStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axl-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PodCheckpoint Checkpoint(string uid, int restarts) =>
        new() { PodUid = uid, Containers = [new ContainerCheckpoint { Name = "main", RestartCount = restarts }] };

    [Fact]
    public void A_load_right_after_many_saves_returns_the_newest()
    {
        var store = new CheckpointStore(_dir);
        for (var i = 0; i <= 200; i++)
        {
            store.Save(Checkpoint("pod-a", i));
        }

        Assert.Equal(200, store.Load("pod-a")!.Containers.Single().RestartCount);
        Assert.Equal(200, new CheckpointStore(_dir).Load("pod-a")!.Containers.Single().RestartCount);
    }

    [Fact]
    public void A_delete_is_not_undone_by_a_write_still_pending()
    {
        var store = new CheckpointStore(_dir);
        for (var i = 0; i < 50; i++)
        {
            store.Save(Checkpoint("pod-b", i));
        }

        store.Delete("pod-b");

        Assert.Null(store.Load("pod-b"));
        Assert.False(File.Exists(store.PathOf("pod-b")));
        Assert.DoesNotContain("pod-b", store.PodUids());
    }

    [Fact]
    public void Flush_writes_every_pending_checkpoint_to_disk()
    {
        var store = new CheckpointStore(_dir);
        store.Save(Checkpoint("pod-c", 7));
        store.Save(Checkpoint("pod-d", 9));

        store.Flush();

        var fresh = new CheckpointStore(_dir);
        Assert.Equal(7, fresh.Load("pod-c")!.Containers.Single().RestartCount);
        Assert.Equal(9, fresh.Load("pod-d")!.Containers.Single().RestartCount);
    }

    [Fact]
    public void A_save_after_a_delete_is_written_again()
    {
        var store = new CheckpointStore(_dir);
        store.Save(Checkpoint("pod-e", 1));
        store.Delete("pod-e");

        store.Save(Checkpoint("pod-e", 2));

        Assert.Equal(2, store.Load("pod-e")!.Containers.Single().RestartCount);
    }
}
