using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Axolotl.Images.Content;
using Axolotl.Images.Oci;

namespace Axolotl.Images.Building;

/// <summary>A layer in a content store: its blob's descriptor and the diff_id (digest of the uncompressed tar) the config lists.</summary>
public sealed record BuiltLayer(OciDescriptor Blob, string DiffId);

/// <summary>
/// Writes one layer reproducibly: a ustar tar of the entries sorted by path, every time stamp the same
/// and owners as given, compressed or not, stored by digest. The same entries give the same digests
/// on any machine, whoever runs the build.
/// </summary>
public static class LayerWriter
{
    public static async Task<BuiltLayer> WriteAsync(ContentStore store, IReadOnlyList<LayerEntry> entries, LayerCompression compression, CancellationToken ct)
    {
        var duplicate = entries.GroupBy(e => e.Path.Trim('/'), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"a layer has \"{duplicate.Key}\" more than once");
        }

        var scratch = Path.Combine(store.Root, "ingest", $"layer-{Guid.NewGuid():N}");
        var tarPath = scratch + ".tar";
        var blobPath = scratch + ".blob";
        try
        {
            await using (var tarFile = File.Create(tarPath))
            {
                await WriteTarAsync(tarFile, entries, ct);
            }

            var diffId = await DigestOfFileAsync(tarPath, ct);
            string mediaType;
            switch (compression)
            {
                case LayerCompression.None:
                    mediaType = OciMediaTypes.Layer;
                    File.Move(tarPath, blobPath);
                    break;
                case LayerCompression.Gzip:
                    mediaType = OciMediaTypes.LayerGzip;
                    await using (var input = File.OpenRead(tarPath))
                    await using (var output = File.Create(blobPath))
                    await using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
                    {
                        await input.CopyToAsync(gzip, ct);
                    }

                    break;
                default:
                    throw new NotSupportedException($"layer compression {compression} is not written by the image builder");
            }

            var digest = await DigestOfFileAsync(blobPath, ct);
            var size = new FileInfo(blobPath).Length;
            if (!store.Contains(digest))
            {
                await using var blob = File.OpenRead(blobPath);
                await store.WriteAsync(digest, size, blob, ct);
            }

            return new BuiltLayer(new OciDescriptor(mediaType, digest, size), diffId);
        }
        finally
        {
            File.Delete(tarPath);
            File.Delete(blobPath);
        }
    }

    private static async Task WriteTarAsync(Stream output, IReadOnlyList<LayerEntry> entries, CancellationToken ct)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        foreach (var entry in entries.OrderBy(TarName, StringComparer.Ordinal))
        {
            var type = entry.Kind switch
            {
                LayerEntryKind.Directory => TarEntryType.Directory,
                LayerEntryKind.Symlink => TarEntryType.SymbolicLink,
                LayerEntryKind.Hardlink => TarEntryType.HardLink,
                _ => TarEntryType.RegularFile,
            };
            // GNU format: long names (library paths) without pax headers, whose names carry the writer's
            // process id; every time is 0, so the same entries give the same digest on any run.
            var tar = new GnuTarEntry(type, TarName(entry))
            {
                AccessTime = DateTimeOffset.UnixEpoch,
                ChangeTime = DateTimeOffset.UnixEpoch,
                ModificationTime = DateTimeOffset.UnixEpoch,
                Mode = entry.Mode,
                Uid = entry.Uid,
                Gid = entry.Gid,
            };
            if (entry.Kind == LayerEntryKind.Symlink)
            {
                tar.LinkName = entry.LinkTarget ?? throw new ArgumentException($"symlink {entry.Path} has no target");
            }
            else if (entry.Kind == LayerEntryKind.Hardlink)
            {
                tar.LinkName = Relative(entry.LinkTarget ?? throw new ArgumentException($"hardlink {entry.Path} has no target"));
            }

            Stream? content = null;
            if (entry.Kind == LayerEntryKind.File)
            {
                content = entry.HostPath is not null
                    ? File.OpenRead(entry.HostPath)
                    : new MemoryStream(entry.Content ?? [], writable: false);
            }

            await using (content)
            {
                if (content is not null)
                {
                    tar.DataStream = content;
                }

                await writer.WriteEntryAsync(tar, ct);
            }
        }
    }

    /// <summary>The name in the tar: relative, directories with a trailing slash, whiteouts spelled as the OCI layer spec says.</summary>
    private static string TarName(LayerEntry entry)
    {
        var path = Relative(entry.Path);
        return entry.Kind switch
        {
            LayerEntryKind.Directory => path + "/",
            LayerEntryKind.Whiteout => Prefix(path) + ".wh." + Path.GetFileName(path),
            LayerEntryKind.OpaqueDirectory => path + "/.wh..wh..opq",
            _ => path,
        };
    }

    private static string Prefix(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..(slash + 1)];
    }

    private static string Relative(string imagePath)
    {
        var path = imagePath.Trim('/');
        if (path.Length == 0 || path.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new ArgumentException($"\"{imagePath}\" is not a clean path inside the image");
        }

        return path;
    }

    private static async Task<string> DigestOfFileAsync(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return Digests.FromHash(await SHA256.HashDataAsync(file, ct));
    }
}
