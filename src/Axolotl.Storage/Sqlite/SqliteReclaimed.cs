namespace Axolotl.Storage.Sqlite;

/// <summary>What <see cref="SqliteSpace.Reclaim"/> did: free pages before and after, and whether the WAL was truncated.</summary>
internal sealed record SqliteReclaimed(long FreePagesBefore, long FreePagesAfter, bool WalTruncated);
