namespace Axolotl.Agent.Recovery;

/// <summary>
/// The newest unwritten checkpoint of one pod and the one writer that drains it
/// (<see cref="CheckpointStore"/>). Offering never blocks; writing holds a lock that a read or a
/// delete waits on, so neither sees a half-finished write nor has a write land after it.
/// </summary>
internal sealed class PendingCheckpoint(string path)
{
    private readonly Lock _write = new();
    private byte[]? _bytes;
    private int _scheduled;
    private bool _cancelled;

    /// <summary>Replaces what is pending; true when the caller must start <see cref="Drain"/>.</summary>
    public bool Offer(byte[] bytes)
    {
        Volatile.Write(ref _bytes, bytes);
        return Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0;
    }

    /// <summary>Writes until nothing is pending (the background writer).</summary>
    public void Drain()
    {
        while (true)
        {
            WriteNow();
            Volatile.Write(ref _scheduled, 0);
            // An offer between the write and the reset found the writer still scheduled: take it over.
            if (Volatile.Read(ref _bytes) is null || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
            {
                return;
            }
        }
    }

    /// <summary>Writes what is pending, if anything, on this thread.</summary>
    public void WriteNow()
    {
        lock (_write)
        {
            if (Interlocked.Exchange(ref _bytes, null) is not { } bytes || _cancelled)
            {
                return;
            }
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var temp = path + ".tmp";
                File.WriteAllBytes(temp, bytes);
                File.Move(temp, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The pod directory went with the pod (or the disk is full): the next save tries again.
            }
        }
    }

    /// <summary>No write after this returns (the pod's checkpoint is being deleted).</summary>
    public void Cancel()
    {
        lock (_write)
        {
            _cancelled = true;
            _bytes = null;
        }
    }
}
