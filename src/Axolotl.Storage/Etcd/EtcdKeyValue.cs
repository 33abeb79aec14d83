using System.Text;
using System.Text.Json;

namespace Axolotl.Storage.Etcd;

/// <summary>An mvccpb.KeyValue as the JSON gateway spells it: base64 key and value, int64 as strings.</summary>
internal sealed record EtcdKeyValue(string Key, byte[] Value, long CreateRevision, long ModRevision)
{
    public static EtcdKeyValue Parse(JsonElement kv) => new(
        Encoding.UTF8.GetString(EtcdJson.Bytes(kv, "key")),
        EtcdJson.Bytes(kv, "value"),
        EtcdJson.Long(kv, "create_revision"),
        EtcdJson.Long(kv, "mod_revision"));
}
