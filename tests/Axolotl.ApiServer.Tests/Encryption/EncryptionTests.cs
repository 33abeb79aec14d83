using System.Text;
using Axolotl.ApiServer.Encryption;
using Axolotl.Storage;
using Axolotl.Storage.Memory;

namespace Axolotl.ApiServer.Tests.Encryption;

public sealed class EncryptionTests
{
    private static string Config(params (string Name, string Secret)[] keys) => $"""
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [secrets]
            providers:
              - aesgcm:
                  keys: [{string.Join(", ", keys.Select(k => $"{{name: {k.Name}, secret: {k.Secret}}}"))}]
              - identity: {"{}"}
        """;

    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());

    private static IValueTransformer Secrets(string yaml) => EncryptionConfiguration.Parse(yaml, "test")["/secrets/"];

    [Fact]
    public void A_value_round_trips_and_is_stored_under_the_upstream_prefix_without_its_plain_bytes()
    {
        var chain = Secrets(Config(("key1", KeyA)));
        var plain = "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"u8.ToArray();

        var stored = chain.ToStorage(plain, "/secrets/default/db");

        Assert.StartsWith("k8s:enc:aesgcm:v1:key1:", Encoding.ASCII.GetString(stored));
        Assert.DoesNotContain("aHVudGVyMg", Encoding.Latin1.GetString(stored), StringComparison.Ordinal);
        Assert.Equal(plain, chain.FromStorage(stored, "/secrets/default/db"));
    }

    [Fact]
    public void After_a_rotation_the_new_key_writes_and_the_old_one_still_reads()
    {
        var before = Secrets(Config(("key1", KeyA)));
        var after = Secrets(Config(("key2", KeyB), ("key1", KeyA)));
        var old = before.ToStorage("old"u8, "/secrets/ns/a");

        var fresh = after.ToStorage("new"u8, "/secrets/ns/a");

        Assert.Equal("old"u8.ToArray(), after.FromStorage(old, "/secrets/ns/a"));
        Assert.StartsWith("k8s:enc:aesgcm:v1:key2:", Encoding.ASCII.GetString(fresh));
    }

    [Fact]
    public void Unknown_keys_tampering_and_moved_values_are_errors_not_garbage()
    {
        var chain = Secrets(Config(("key1", KeyA)));
        var stored = chain.ToStorage("secret"u8, "/secrets/ns/a");
        var tampered = (byte[])stored.Clone();
        tampered[^1] ^= 1;

        Assert.Throws<EncryptionException>(() => Secrets(Config(("key2", KeyB))).FromStorage(stored, "/secrets/ns/a"));
        Assert.Throws<EncryptionException>(() => Secrets(Config(("key1", KeyB))).FromStorage(stored, "/secrets/ns/a"));
        Assert.Throws<EncryptionException>(() => chain.FromStorage(tampered, "/secrets/ns/a"));
        Assert.Throws<EncryptionException>(() => chain.FromStorage(stored, "/secrets/ns/b"));
    }

    [Fact]
    public void Values_stored_before_encryption_read_as_plain_with_an_identity_provider()
    {
        Assert.Equal("{}"u8.ToArray(), Secrets(Config(("key1", KeyA))).FromStorage("{}"u8, "/secrets/ns/a"));
    }

    [Theory]
    [InlineData("kms", "provider \"kms\" is not supported")]
    [InlineData("short-key", "is 5 bytes; want 16, 24 or 32")]
    public void Unsupported_providers_and_bad_keys_are_refused_at_start(string what, string message)
    {
        var yaml = what == "kms"
            ? "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers: [{kms: {name: x}}]\n"
            : Config(("key1", Convert.ToBase64String("short"u8.ToArray())));

        var e = Assert.Throws<EncryptionException>(() => EncryptionConfiguration.Parse(yaml, "test"));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_store_sees_ciphertext_for_secrets_only_and_reads_give_plain_values()
    {
        var inner = new InMemoryStore();
        var store = new TransformingStore(inner, EncryptionConfiguration.Parse(Config(("key1", KeyA)), "test"));

        await store.CreateAsync("/secrets/ns/db", "hunter2"u8.ToArray(), CancellationToken.None);
        await store.CreateAsync("/configmaps/ns/cfg", "plain"u8.ToArray(), CancellationToken.None);

        Assert.StartsWith("k8s:enc:aesgcm:v1:key1:", Encoding.ASCII.GetString((await inner.GetAsync("/secrets/ns/db", CancellationToken.None))!.Value.Span));
        Assert.Equal("plain", Encoding.ASCII.GetString((await inner.GetAsync("/configmaps/ns/cfg", CancellationToken.None))!.Value.Span));
        Assert.Equal("hunter2", Encoding.ASCII.GetString((await store.GetAsync("/secrets/ns/db", CancellationToken.None))!.Value.Span));
        Assert.Equal("hunter2", Encoding.ASCII.GetString((await store.ListAsync("/secrets/", 0, null, CancellationToken.None)).Items[0].Value.Span));
        Assert.Equal(["hunter2", "plain", null],
            (await store.GetManyAsync(["/secrets/ns/db", "/configmaps/ns/cfg", "/secrets/ns/none"], CancellationToken.None))
                .Select(e => e is null ? null : Encoding.ASCII.GetString(e.Value.Span)));
        await foreach (var change in store.WatchAsync("/secrets/", 0, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token))
        {
            Assert.Equal(StoreEventType.Added, change.Type);
            Assert.Equal("hunter2", Encoding.ASCII.GetString(change.Entry.Value.Span));
            break;
        }
    }
}
