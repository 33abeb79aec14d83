using Axolotl.Images.Store;

namespace Axolotl.Images.Tests.Store;

public sealed class ImageRecordStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axl-records-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ImageRecord Record(string name) =>
        new(name, "sha256:" + new string('a', 64), "sha256:" + new string('b', 64), "sha256:" + new string('c', 64), 1234, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Records_survive_a_new_store_on_the_same_file_and_removal_is_kept()
    {
        var file = Path.Combine(_dir, "images.json");
        var store = new ImageRecordStore(file);
        store.Put(Record("docker.io/library/busybox:1.0"));
        store.Put(Record("127.0.0.1:5000/app:v1"));
        Assert.True(store.Remove("docker.io/library/busybox:1.0"));
        Assert.False(store.Remove("docker.io/library/busybox:1.0"));

        var again = new ImageRecordStore(file);
        Assert.Equal(["127.0.0.1:5000/app:v1"], again.All().Select(r => r.Name));
        Assert.Equal(1234, again.Find("127.0.0.1:5000/app:v1")!.Size);
        Assert.False(File.Exists(file + ".tmp"));
    }

    [Fact]
    public void A_damaged_file_is_reported_rather_than_silently_emptied()
    {
        var file = Path.Combine(_dir, "images.json");
        File.WriteAllText(file, "{ not json");
        var e = Assert.Throws<InvalidDataException>(() => new ImageRecordStore(file));
        Assert.Contains("damaged", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_store_on_the_same_file_sees_the_others_changes_and_none_is_lost()
    {
        var file = Path.Combine(_dir, "images.json");
        var agent = new ImageRecordStore(file);
        var cli = new ImageRecordStore(file);
        agent.Put(Record("a:1"));
        cli.Put(Record("b:1"));
        agent.Put(Record("c:1"));
        Assert.Equal(["a:1", "b:1", "c:1"], agent.All().Select(r => r.Name));
        Assert.True(cli.Remove("a:1"));
        Assert.Null(agent.Find("a:1"));
        agent.Touch("b:1", DateTimeOffset.UnixEpoch.AddDays(1));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(1), agent.Find("b:1")!.LastUsed);
    }
}
