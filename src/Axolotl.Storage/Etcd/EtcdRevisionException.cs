namespace Axolotl.Storage.Etcd;

/// <summary>etcd refused a read at a revision: compacted away, or not written yet ("future revision").</summary>
internal sealed class EtcdRevisionException(bool compacted, string message) : StoreException(message)
{
    public bool Compacted { get; } = compacted;
}
