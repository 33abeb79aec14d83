using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.Bench.Scenarios.Images;

/// <summary>
/// Builds the benchmark's images as an OCI layout from this machine's Debian files, with the BCL only
/// (the benchmark references no project): layer 1 holds bash with the libraries it links (found by
/// ldd) and the static busybox for `sleep`; an optional layer 2 holds about <c>bulkBytes</c> of the
/// node's shared libraries, so that a pull has real weight. Layers are gzip-compressed as registries
/// serve them. Pushed with skopeo, unpacked by the peers with umoci.
/// </summary>
internal static class BenchImage
{
    public static async Task BuildAsync(string layout, string tag, long bulkBytes, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(layout, "blobs", "sha256"));
        await File.WriteAllTextAsync(Path.Combine(layout, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", ct);
        var files = new List<(string Host, string InImage)> { ("/bin/bash", "bin/bash"), ("/bin/busybox", "bin/busybox") };
        foreach (var library in await LibrariesAsync("/bin/bash", ct))
        {
            files.Add((library, library.TrimStart('/')));
        }

        var layers = new List<(string Digest, long Size, string DiffId)> { await WriteLayerAsync(layout, files, ["sleep", "sh", "id", "ls", "cat"], ct) };
        if (bulkBytes > 0)
        {
            var bulk = new List<(string, string)>();
            long total = 0;
            foreach (var file in Directory.EnumerateFiles("/usr/lib/x86_64-linux-gnu", "*.so*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(file);
                if (info.LinkTarget is not null || total >= bulkBytes)
                {
                    continue;
                }

                total += info.Length;
                bulk.Add((file, "opt/bulk" + file));
            }

            layers.Add(await WriteLayerAsync(layout, bulk, [], ct));
        }

        var config = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. layers.Select(l => (JsonNode)l.DiffId)]) },
        });
        var configDigest = await WriteBlobAsync(layout, config, ct);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = configDigest, ["size"] = config.Length },
            ["layers"] = new JsonArray([.. layers.Select(l => (JsonNode)new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip",
                ["digest"] = l.Digest,
                ["size"] = l.Size,
            })]),
        });
        var manifestDigest = await WriteBlobAsync(layout, manifest, ct);
        var indexPath = Path.Combine(layout, "index.json");
        var index = File.Exists(indexPath) ? JsonNode.Parse(await File.ReadAllTextAsync(indexPath, ct))!.AsObject() : new JsonObject { ["schemaVersion"] = 2, ["manifests"] = new JsonArray() };
        index["manifests"]!.AsArray().Add(new JsonObject
        {
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["digest"] = manifestDigest,
            ["size"] = manifest.Length,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag },
        });
        await File.WriteAllTextAsync(indexPath, index.ToJsonString(), ct);
    }

    private static async Task<(string Digest, long Size, string DiffId)> WriteLayerAsync(string layout, List<(string Host, string InImage)> files, string[] busyboxApplets, CancellationToken ct)
    {
        var temp = Path.Combine(layout, "layer.tmp");
        string diffId;
        await using (var output = File.Create(temp))
        {
            using var diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            await using (var hashing = new HashingWriteStream(gzip, diffHash))
            await using (var tar = new TarWriter(hashing, TarEntryFormat.Pax, leaveOpen: true))
            {
                var directories = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (host, inImage) in files.OrderBy(f => f.InImage, StringComparer.Ordinal))
                {
                    for (var dir = Path.GetDirectoryName(inImage); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
                    {
                        if (directories.Add(dir))
                        {
                            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, dir + "/") { Mode = (UnixFileMode)0x1ED, ModificationTime = DateTimeOffset.UnixEpoch }, ct);
                        }
                    }

                    await using var source = File.OpenRead(host);
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, inImage)
                    {
                        Mode = (UnixFileMode)0x1ED,
                        ModificationTime = DateTimeOffset.UnixEpoch,
                        DataStream = source,
                    }, ct);
                }

                foreach (var applet in busyboxApplets)
                {
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox", ModificationTime = DateTimeOffset.UnixEpoch }, ct);
                }
            }

            diffId = "sha256:" + Convert.ToHexStringLower(diffHash.GetHashAndReset());
        }

        var bytes = await File.ReadAllBytesAsync(temp, ct);
        File.Delete(temp);
        return (await WriteBlobAsync(layout, bytes, ct), bytes.Length, diffId);
    }

    private static async Task<string> WriteBlobAsync(string layout, byte[] content, CancellationToken ct)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        await File.WriteAllBytesAsync(Path.Combine(layout, "blobs", "sha256", hex), content, ct);
        return "sha256:" + hex;
    }

    private static async Task<List<string>> LibrariesAsync(string binary, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ldd", [binary]) { RedirectStandardOutput = true };
        using var ldd = Process.Start(psi)!;
        var output = await ldd.StandardOutput.ReadToEndAsync(ct);
        await ldd.WaitForExitAsync(ct);
        // "libtinfo.so.6 => /lib/x86_64-linux-gnu/libtinfo.so.6 (0x…)" and "/lib64/ld-linux-x86-64.so.2 (0x…)": each
        // goes into the image at the path named (the loader's path is compiled into bash), with the content behind any link.
        return [.. output.Split('\n').Select(l => l.Trim().Split(' ')).Select(p => p.Length >= 3 && p[1] == "=>" ? p[2] : p[0])
            .Where(p => p.StartsWith('/')).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Hashes what is written through it: the uncompressed layer's digest is its diff_id.</summary>
    private sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
