using System.Globalization;
using Axolotl.Images;
using Axolotl.Images.Archives;
using Axolotl.Images.Distribution;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl images import|ls|rm`: a node's image store, offline, as `k3s ctr images` is. It works on
/// the store's files (the running agent sees the change at its next look), so it runs on the node.
/// </summary>
public static class ImagesCommand
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "data-dir", "name" };

    public const string Usage = """
        Usage: axolotl images import FILE... [--name REF] [--data-dir DIR]
               axolotl images ls [--data-dir DIR]
               axolotl images rm REF... [--data-dir DIR]

        The images of one node, offline (what `k3s ctr images` does for containerd):
          import   stores every image of an OCI archive (`skopeo copy … oci-archive:FILE`), an OCI image
                   layout directory or a `docker save` tarball (.tar, .tar.gz), verifying every blob;
                   --name REF names an image whose archive gives only a tag or no name
          ls       lists the images: IMAGE, TAG, IMAGE ID, SIZE (as crictl images)
          rm       forgets images by reference; their blobs go unless another image shares them

          --data-dir DIR   the node's data dir: a server's (its own node's images) or an agent's
                           (default: the server's, $XDG_DATA_HOME/axolotl or ~/.local/share/axolotl)

        An agent also imports, at start, every archive in DIR/images/ (the airgap folder, as k3s does).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args.Length > 0 ? args[0] : "";
        var line = CommandLine.Parse(args.Skip(1).ToArray(), Flags, positional: true);
        var service = Open(line.Get("data-dir"));
        switch (verb)
        {
            case "import":
                return await ImportAsync(service, line.Positional, line.Get("name"));
            case "ls" or "list":
                List(service);
                return 0;
            case "rm" or "remove":
                return Remove(service, line.Positional);
            default:
                throw new ArgumentException($"unknown images command \"{verb}\"\n\n{Usage}");
        }
    }

    private static ImageService Open(string? dataDir)
    {
        var dir = Path.GetFullPath(dataDir ?? DataDirectory.Default());
        // A server's and an agent's data dir both keep their node's state under agent/.
        var nodeDir = Path.Combine(dir, "agent");
        if (!Directory.Exists(nodeDir))
        {
            throw new ArgumentException($"{dir} is not a node's data dir: give --data-dir");
        }

        return new ImageService(new ImageServiceOptions { Root = Path.Combine(nodeDir, ImageServiceOptions.StoreDirectoryName) },
            TimeProvider.System, NullLogger.Instance);
    }

    private static async Task<int> ImportAsync(ImageService service, IReadOnlyList<string> files, string? name)
    {
        if (files.Count == 0)
        {
            throw new ArgumentException("axolotl images import: name at least one archive or layout directory");
        }

        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                foreach (var image in await service.ImportAsync(file, name, CancellationToken.None))
                {
                    Console.WriteLine($"imported {image.Name} ({image.RepoDigest})");
                }
            }
            catch (ImageImportException e)
            {
                Console.Error.WriteLine($"axolotl images import: {file}: {e.Message}");
                failed++;
            }
        }

        return failed == 0 ? 0 : 1;
    }

    private static void List(ImageService service)
    {
        var rows = service.Records.All().Select(r =>
        {
            var (repository, tag) = Split(r.Name);
            return (repository, tag, id: r.ConfigDigest[7..20], size: HumanSize(r.Size));
        }).ToList();
        var widths = new[]
        {
            Math.Max(5, rows.Select(r => r.repository.Length).DefaultIfEmpty().Max()),
            Math.Max(3, rows.Select(r => r.tag.Length).DefaultIfEmpty().Max()),
            13,
        };
        Console.WriteLine($"{"IMAGE".PadRight(widths[0])}   {"TAG".PadRight(widths[1])}   {"IMAGE ID".PadRight(widths[2])}   SIZE");
        foreach (var (repository, tag, id, size) in rows)
        {
            Console.WriteLine($"{repository.PadRight(widths[0])}   {tag.PadRight(widths[1])}   {id.PadRight(widths[2])}   {size}");
        }
    }

    private static int Remove(ImageService service, IReadOnlyList<string> references)
    {
        if (references.Count == 0)
        {
            throw new ArgumentException("axolotl images rm: name at least one image");
        }

        var failed = 0;
        foreach (var reference in references)
        {
            if (!ImageReference.TryParse(reference, out var parsed) || !service.Remove(parsed.Canonical))
            {
                Console.Error.WriteLine($"axolotl images rm: no such image \"{reference}\"");
                failed++;
                continue;
            }

            Console.WriteLine($"Deleted: {parsed.Canonical}");
        }

        service.RemoveUnreferencedContent();
        return failed == 0 ? 0 : 1;
    }

    private static (string Repository, string Tag) Split(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return (name[..at], "<none>");
        }

        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? (name[..colon], name[(colon + 1)..]) : (name, "latest");
    }

    /// <summary>Sizes as crictl prints them (decimal units: 1.08MB).</summary>
    private static string HumanSize(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return value.ToString(value >= 100 || unit == 0 ? "0" : "0.##", CultureInfo.InvariantCulture) + units[unit];
    }
}
