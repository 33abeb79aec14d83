using System.Formats.Tar;
using System.IO.Compression;
using Axolotl.Images.Oci;
using Axolotl.Images.Snapshots;

namespace Axolotl.Images.Tests.Snapshots;

/// <summary>Layer tars built in memory, hostile ones included, for the snapshot tests.</summary>
internal static class LayerTars
{
    public sealed record Entry(string Name, TarEntryType Type = TarEntryType.RegularFile, string? Text = null, string? Link = null, int Mode = 0x1A4, int Uid = 0, int Gid = 0, long ZeroBytes = 0);

    public static byte[] Tar(params Entry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var e in entries)
            {
                var entry = new PaxTarEntry(e.Type, e.Name)
                {
                    Mode = (UnixFileMode)e.Mode,
                    Uid = e.Uid,
                    Gid = e.Gid,
                    ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
                };
                if (e.Link is not null)
                {
                    entry.LinkName = e.Link;
                }

                if (e.Text is not null)
                {
                    entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(e.Text));
                }
                else if (e.ZeroBytes > 0)
                {
                    entry.DataStream = new MemoryStream(new byte[e.ZeroBytes]);
                }

                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static LayerSource Layer(byte[] tar, LayerCompression compression = LayerCompression.None, byte[]? blob = null) =>
        new(Digests.Of(tar), compression, () => new MemoryStream(blob ?? tar));
}
