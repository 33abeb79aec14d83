using Axolotl.Images.Building;
using Axolotl.Images.Content;
using Axolotl.SeedImages;

// axolotl-seed-images --sampleapps DIR --out DIR [--skipped FILE]: builds the images the seed scenarios, examples and
// tests run into an OCI image layout (written aside, then moved into place), which every Axolotl
// node imports at start. Everything comes from this repository and the machine's Debian packages; an
// image whose package is not installed is skipped with a warning on stderr and a line in FILE.
string? sampleApps = null;
string? output = null;
string? skippedFile = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--sampleapps":
            sampleApps = args[i + 1];
            break;
        case "--out":
            output = args[i + 1];
            break;
        case "--skipped":
            skippedFile = args[i + 1];
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}

if (sampleApps is null || output is null)
{
    Console.Error.WriteLine("usage: axolotl-seed-images --sampleapps DIR --out DIR [--skipped FILE]");
    return 2;
}

output = Path.GetFullPath(output);
var building = output + ".building";
if (Directory.Exists(building))
{
    Directory.Delete(building, recursive: true);
}

try
{
    var store = new ContentStore(building);
    var set = new SeedImageSet(store, Path.GetFullPath(sampleApps));
    await set.BuildAsync(CancellationToken.None);
    await ImageWriter.WriteLayoutIndexAsync(store, set.Images, CancellationToken.None);
    if (Directory.Exists(output))
    {
        Directory.Delete(output, recursive: true);
    }

    Directory.Move(building, output);
    foreach (var warning in set.Skipped.Warnings())
    {
        Console.Error.WriteLine("warning: " + warning);
    }

    if (skippedFile is not null)
    {
        await File.WriteAllLinesAsync(skippedFile, set.Skipped.FileLines());
    }

    Console.WriteLine($"{set.Images.Count} image names, {set.Images.Select(i => i.Manifest.Digest).Distinct().Count()} images, in {output}");
    return 0;
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"axolotl-seed-images: {e.Message}");
    return 1;
}
