namespace Axolotl.Storage.Memory;

/// <summary>One write to a key; a deletion keeps the value it removed, as the SQLite log row does.</summary>
internal readonly record struct KeyVersion(long Revision, long CreateRevision, byte[] Value, bool Deleted);

/// <summary>The retained versions of one key, oldest first.</summary>
internal sealed class KeyHistory
{
    private readonly List<KeyVersion> _versions = [];

    public KeyVersion Latest => _versions[^1];

    public bool IsEmpty => _versions.Count == 0;

    public void Append(KeyVersion version) => _versions.Add(version);

    /// <summary>The newest version at or below <paramref name="revision"/>, if any survived compaction.</summary>
    public KeyVersion? At(long revision)
    {
        for (var i = _versions.Count - 1; i >= 0; i--)
        {
            if (_versions[i].Revision <= revision)
            {
                return _versions[i];
            }
        }

        return null;
    }

    /// <summary>
    /// Drops versions no read at or after <paramref name="revision"/> can see: those superseded at that
    /// revision, and a deletion that is the key's state at that revision.
    /// </summary>
    public void Compact(long revision)
    {
        var newestAtOrBelow = -1;
        for (var i = 0; i < _versions.Count && _versions[i].Revision <= revision; i++)
        {
            newestAtOrBelow = i;
        }

        if (newestAtOrBelow < 0)
        {
            return;
        }

        var drop = _versions[newestAtOrBelow].Deleted ? newestAtOrBelow + 1 : newestAtOrBelow;
        _versions.RemoveRange(0, drop);
    }
}
