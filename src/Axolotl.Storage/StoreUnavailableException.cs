namespace Axolotl.Storage;

/// <summary>
/// The store could not be reached or did not answer in time (etcd down, no leader, a request timed
/// out). The outcome of a write that fails this way is unknown, as with etcd's own clients; the API
/// server answers 503 so a client retries instead of treating it as its own error.
/// </summary>
public sealed class StoreUnavailableException : StoreException
{
    public StoreUnavailableException(string message)
        : base(message)
    {
    }
}
