using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Axolotl.Storage.Snapshots;

/// <summary>
/// A store's every key at one revision, in a file of its own: gzip over JSON lines, a header line
/// (format, revision, key count), one line per key (key, create and mod revisions, value in base64)
/// and a trailer with the SHA-256 of every line before it. The keys are the store's own
/// ("/pods/ns/name"), not a back end's, so a snapshot of SQLite restores into etcd and back. Values
/// are copied as stored: Secrets encrypted at rest stay encrypted, and need the same keys to be read.
/// </summary>
public static class StoreSnapshot
{
    public const string Format = "axolotl.io/store-snapshot/v1";

    /// <summary>
    /// Writes every key of <paramref name="store"/>, as of one revision, to <paramref name="output"/>.
    /// </summary>
    public static async Task<SnapshotSummary> SaveAsync(IStore store, Stream output, TimeProvider clock, CancellationToken ct)
    {
        await using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // One read of everything at one revision: the etcd store pages only within a resource, and a
        // restore needs every entry in hand anyway.
        var all = await store.ListAsync("/", 0, null, ct);
        var entries = all.Items;
        var revision = all.Revision;

        var header = new SnapshotHeader(Format, revision, entries.Count, clock.GetUtcNow());
        await WriteLineAsync(gzip, hash, JsonSerializer.SerializeToUtf8Bytes(header, SnapshotJson.Default.SnapshotHeader), ct);
        foreach (var entry in entries)
        {
            var line = new SnapshotLine(entry.Key, entry.CreateRevision, entry.ModRevision, Convert.ToBase64String(entry.Value.Span));
            await WriteLineAsync(gzip, hash, JsonSerializer.SerializeToUtf8Bytes(line, SnapshotJson.Default.SnapshotLine), ct);
        }

        var trailer = new SnapshotTrailer(Convert.ToHexStringLower(hash.GetHashAndReset()));
        var trailerBytes = JsonSerializer.SerializeToUtf8Bytes(trailer, SnapshotJson.Default.SnapshotTrailer);
        await gzip.WriteAsync(trailerBytes, ct);
        await gzip.WriteAsync("\n"u8.ToArray(), ct);
        return new SnapshotSummary(revision, entries.Count);
    }

    /// <summary>
    /// Loads a checked snapshot into an empty store. SQLite keeps every key's revisions (see
    /// <see cref="Sqlite.SqliteStore.RestoreAsync"/>); any other store creates the keys in their old order and
    /// gives them its own revisions, so clients must list again (restart the servers and agents).
    /// </summary>
    public static async Task<SnapshotSummary> RestoreAsync(IStore target, SnapshotContents contents, CancellationToken ct)
    {
        if (target is Sqlite.SqliteStore sqlite)
        {
            await sqlite.RestoreAsync(contents.Entries, contents.Header.Revision, ct);
            return new SnapshotSummary(contents.Header.Revision, contents.Entries.Count);
        }

        var existing = await target.ListAsync("/", 0, null, ct);
        if (existing.Items.Count > 0)
        {
            throw new StoreException($"the store is not empty (it holds {existing.Items[0].Key} and more): restore into a new one");
        }

        foreach (var entry in contents.Entries.OrderBy(e => e.ModRevision))
        {
            await target.CreateAsync(entry.Key, entry.Value, ct);
        }

        return new SnapshotSummary(target.CurrentRevision, contents.Entries.Count);
    }

    /// <summary>
    /// Reads and checks a whole snapshot (format, checksum, count, keys) before anything is restored;
    /// a damaged or foreign file throws <see cref="InvalidDataException"/> naming what is wrong.
    /// </summary>
    public static async Task<SnapshotContents> ReadAsync(Stream input, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var gzip = new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new StreamReader(gzip, new UTF8Encoding(false, throwOnInvalidBytes: true));
        SnapshotHeader? header = null;
        SnapshotTrailer? trailer = null;
        var entries = new List<StoreEntry>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (trailer is not null)
                {
                    throw new InvalidDataException("data after the snapshot's checksum");
                }

                if (header is null)
                {
                    header = JsonSerializer.Deserialize(line, SnapshotJson.Default.SnapshotHeader);
                    if (header?.Format != Format)
                    {
                        throw new InvalidDataException($"not an Axolotl store snapshot (format \"{header?.Format}\", want \"{Format}\")");
                    }
                }
                else if (line.StartsWith("{\"sha256\"", StringComparison.Ordinal))
                {
                    trailer = JsonSerializer.Deserialize(line, SnapshotJson.Default.SnapshotTrailer);
                    continue;
                }
                else
                {
                    entries.Add(ParseEntry(line, header.Revision, keys));
                }

                hash.AppendData(Encoding.UTF8.GetBytes(line));
                hash.AppendData("\n"u8);
            }
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or FormatException)
        {
            throw new InvalidDataException($"the snapshot is damaged: {e.Message}", e);
        }

        if (header is null || trailer is null)
        {
            throw new InvalidDataException("the snapshot is truncated (no " + (header is null ? "header" : "checksum") + ")");
        }

        if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(trailer.Sha256), hash.GetHashAndReset()))
        {
            throw new InvalidDataException("the snapshot's checksum does not match its contents");
        }

        if (entries.Count != header.Keys)
        {
            throw new InvalidDataException($"the snapshot holds {entries.Count} keys, its header says {header.Keys}");
        }

        return new SnapshotContents(header, entries);
    }

    private static StoreEntry ParseEntry(string line, long revision, HashSet<string> keys)
    {
        var parsed = JsonSerializer.Deserialize(line, SnapshotJson.Default.SnapshotLine) ?? throw new InvalidDataException("an empty key line");
        if (string.IsNullOrEmpty(parsed.Key) || !parsed.Key.StartsWith('/') || !keys.Add(parsed.Key))
        {
            throw new InvalidDataException($"a bad or repeated key \"{parsed.Key}\"");
        }

        if (parsed.CreateRevision < 1 || parsed.ModRevision < parsed.CreateRevision || parsed.ModRevision > revision)
        {
            throw new InvalidDataException($"key {parsed.Key}: revisions {parsed.CreateRevision}/{parsed.ModRevision} do not fit the snapshot's revision {revision}");
        }

        return new StoreEntry(parsed.Key, Convert.FromBase64String(parsed.Value), parsed.CreateRevision, parsed.ModRevision);
    }

    private static async Task WriteLineAsync(Stream output, IncrementalHash hash, byte[] line, CancellationToken ct)
    {
        hash.AppendData(line);
        hash.AppendData("\n"u8);
        await output.WriteAsync(line, ct);
        await output.WriteAsync("\n"u8.ToArray(), ct);
    }
}
