using System.Text;
using Google.Protobuf;

namespace Axolotl.Storage.Etcd;

/// <summary>Keys as etcd takes them: UTF-8 bytes, and a prefix as a range [prefix, PrefixEnd).</summary>
internal static class EtcdKeys
{
    public static ByteString Of(string key) => ByteString.CopyFromUtf8(key);

    /// <summary>The smallest key above every key that starts with <paramref name="prefix"/> (clientv3.GetPrefixRangeEnd).</summary>
    public static ByteString PrefixEnd(string prefix)
    {
        var bytes = Encoding.UTF8.GetBytes(prefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xFF)
            {
                var end = bytes[..(i + 1)];
                end[i]++;
                return UnsafeByteOperations.UnsafeWrap(end);
            }
        }

        // Only 0xFF bytes: "\0" means "to the end of the keyspace" to etcd.
        return UnsafeByteOperations.UnsafeWrap(new byte[] { 0 });
    }

    /// <summary>The first key after <paramref name="key"/> in etcd's byte order: the key with a zero byte appended.</summary>
    public static ByteString After(string key) => UnsafeByteOperations.UnsafeWrap((byte[])[.. Encoding.UTF8.GetBytes(key), 0]);
}
