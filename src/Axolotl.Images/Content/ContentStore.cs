using System.Security.Cryptography;
using Axolotl.Images.Oci;

namespace Axolotl.Images.Content;

/// <summary>
/// Blobs by digest under <c>ROOT/blobs/sha256/&lt;hex&gt;</c>, the layout of an OCI image layout and of
/// containerd's content store. A blob is written aside under <c>ROOT/ingest/</c> and renamed into
/// place only once its size and digest match, so a crash, a short read or a lying registry never
/// leaves a blob that is not what its name says. Reads trust the name: nothing else writes there.
/// </summary>
public sealed class ContentStore
{
    private const int CopyBuffer = 128 * 1024;

    public ContentStore(string root)
    {
        Root = Path.GetFullPath(root);
        BlobDirectory = Path.Combine(Root, "blobs", "sha256");
        IngestDirectory = Path.Combine(Root, "ingest");
        Directory.CreateDirectory(BlobDirectory);
        Directory.CreateDirectory(IngestDirectory);
    }

    public string Root { get; }

    private string BlobDirectory { get; }

    private string IngestDirectory { get; }

    public string BlobPath(string digest) => Path.Combine(BlobDirectory, Digests.Hex(digest));

    public bool Contains(string digest) => Digests.IsValid(digest) && File.Exists(BlobPath(digest));

    /// <summary>The stored size, or null when the blob is absent.</summary>
    public long? SizeOf(string digest)
    {
        var info = new FileInfo(BlobPath(digest));
        return info.Exists ? info.Length : null;
    }

    public Stream OpenRead(string digest) =>
        new FileStream(BlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, CopyBuffer, FileOptions.SequentialScan);

    public Task<byte[]> ReadAllAsync(string digest, CancellationToken ct) => File.ReadAllBytesAsync(BlobPath(digest), ct);

    /// <summary>
    /// Copies <paramref name="source"/> into the store as <paramref name="digest"/>. At most
    /// <paramref name="expectedSize"/> bytes are read (one more shows a longer body), so a hostile
    /// source cannot fill the disk past what its descriptor declared. Throws
    /// <see cref="ContentVerificationException"/> when the size or digest differ; nothing is kept then.
    /// </summary>
    public async Task WriteAsync(string digest, long expectedSize, Stream source, CancellationToken ct)
    {
        var target = BlobPath(digest);
        if (expectedSize < 0)
        {
            throw new ContentVerificationException($"blob {digest} declares a negative size {expectedSize}");
        }

        var temp = Path.Combine(IngestDirectory, $"{Digests.Hex(digest)}.{Guid.NewGuid():N}");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long written = 0;
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                var buffer = new byte[CopyBuffer];
                while (true)
                {
                    var want = (int)Math.Min(buffer.Length, expectedSize + 1 - written);
                    var read = await source.ReadAsync(buffer.AsMemory(0, want), ct);
                    if (read == 0)
                    {
                        break;
                    }

                    written += read;
                    if (written > expectedSize)
                    {
                        throw new ContentVerificationException($"blob {digest} is longer than its declared size {expectedSize}");
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                }

                if (written != expectedSize)
                {
                    throw new ContentVerificationException($"blob {digest}: got {written} bytes, expected {expectedSize}");
                }

                await output.FlushAsync(ct);
                output.Flush(flushToDisk: true);
            }

            var actual = Digests.FromHash(hash.GetHashAndReset());
            if (actual != digest)
            {
                throw new ContentVerificationException($"blob digest mismatch: expected {digest}, got {actual}");
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Stores bytes already in memory (manifests, configs) under their own digest, which is returned.</summary>
    public async Task<string> WriteAsync(ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var digest = Digests.Of(content.Span);
        if (!Contains(digest))
        {
            await using var source = new MemoryStream(content.ToArray(), writable: false);
            await WriteAsync(digest, content.Length, source, ct);
        }

        return digest;
    }

    /// <summary>
    /// Stores content whose digest is not known beforehand (a docker-save layer named by path): it is
    /// hashed while written, at most <paramref name="maxSize"/> bytes, and filed under its digest.
    /// </summary>
    public async Task<(string Digest, long Size)> WriteUnknownAsync(Stream source, long maxSize, CancellationToken ct)
    {
        var temp = Path.Combine(IngestDirectory, $"unknown.{Guid.NewGuid():N}");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long written = 0;
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                var buffer = new byte[CopyBuffer];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    written += read;
                    if (written > maxSize)
                    {
                        throw new ContentVerificationException($"content is larger than {maxSize} bytes");
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                }

                output.Flush(flushToDisk: true);
            }

            var digest = Digests.FromHash(hash.GetHashAndReset());
            File.Move(temp, BlobPath(digest), overwrite: true);
            return (digest, written);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public void Delete(string digest) => File.Delete(BlobPath(digest));

    /// <summary>Every stored digest (for garbage collection).</summary>
    public IEnumerable<string> List() =>
        Directory.EnumerateFiles(BlobDirectory).Select(f => Digests.Sha256Prefix + Path.GetFileName(f)).Where(Digests.IsValid);

    /// <summary>Leftovers of writes cut short by a crash: at start nothing can still be writing them.</summary>
    public void RemoveIngests()
    {
        foreach (var file in Directory.EnumerateFiles(IngestDirectory))
        {
            File.Delete(file);
        }
    }
}
