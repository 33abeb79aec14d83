using System.Diagnostics;
using System.Text.Json;
using Axolotl.Images.Archives;
using Axolotl.Images.Content;
using Microsoft.Extensions.Logging;

namespace Axolotl.Images;

/// <summary>What a node imports at start: the airgap folder, and the bundled seed images (stand-ins, airgap mode only).</summary>
public sealed partial class ImageService
{
    /// <summary>
    /// Imports, once each, the bundled layouts (layers left in place; in airgap mode only) and then the
    /// archives and layouts in the node's airgap folder (k3s's agent/images): what was imported with the
    /// same size and time is skipped. A bad archive is logged and left. Online, the bundled stand-ins a
    /// previous airgap run imported are forgotten, so their names are pulled from their registries.
    /// </summary>
    public async Task ImportAirgapAsync(string directory, CancellationToken ct)
    {
        var doneFile = Path.Combine(Options.Root, "airgap-imported.json");
        var done = File.Exists(doneFile) ? JsonSerializer.Deserialize<HashSet<string>>(await File.ReadAllBytesAsync(doneFile, ct)) ?? [] : [];
        foreach (var layout in Options.BundledLayouts.Where(Directory.Exists))
        {
            if (Options.Airgap)
            {
                await ImportOnceAsync(layout, layersInPlace: true, done, ct);
            }
            else
            {
                await ForgetBundledAsync(layout, done, ct);
            }
        }

        IEnumerable<string> entries = Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal) : [];
        foreach (var entry in entries)
        {
            var isLayout = Directory.Exists(entry) && File.Exists(Path.Combine(entry, "oci-layout"));
            if (isLayout || (File.Exists(entry) && AirgapSuffixes.Any(s => entry.EndsWith(s, StringComparison.Ordinal))))
            {
                await ImportOnceAsync(entry, layersInPlace: false, done, ct);
            }
        }

        await File.WriteAllBytesAsync(doneFile, JsonSerializer.SerializeToUtf8Bytes(done), ct);
    }

    private async Task ImportOnceAsync(string entry, bool layersInPlace, HashSet<string> done, CancellationToken ct)
    {
        var isLayout = Directory.Exists(entry);
        var stamp = isLayout ? Directory.GetLastWriteTimeUtc(entry) : File.GetLastWriteTimeUtc(entry);
        var key = $"{(layersInPlace ? entry : Path.GetFileName(entry))}:{(isLayout ? 0 : new FileInfo(entry).Length)}:{stamp.Ticks}";
        if (done.Contains(key))
        {
            return;
        }

        try
        {
            var clock = Stopwatch.StartNew();
            // layersInPlace is the bundled layouts' import: their names are stand-ins.
            var imported = await ImportAsync(entry, null, bundled: layersInPlace, layersInPlace, ct);
            if (_log.IsEnabled(LogLevel.Information))
            {
                _log.LogInformation("imported {Count} image name(s) from {Archive} in {Elapsed} ms", imported.Count, entry, clock.ElapsedMilliseconds);
            }

            done.Add(key);
        }
        catch (Exception e) when (e is ImageImportException or IOException or ContentVerificationException or JsonException)
        {
            _log.LogWarning("cannot import {Archive}: {Reason}", entry, e.Message);
        }
    }

    /// <summary>
    /// Forgets the stand-in names of a bundled layout (marked, or imported by an older build that did not
    /// mark them: the same name still on the layout's manifest); a name pulled since is kept.
    /// </summary>
    private async Task ForgetBundledAsync(string layout, HashSet<string> done, CancellationToken ct)
    {
        var forgotten = Records.All().Where(r => r.Bundled).Select(r => r.Name).ToList();
        var keys = done.Where(k => k.StartsWith(layout + ":", StringComparison.Ordinal)).ToList();
        if (keys.Count > 0)
        {
            try
            {
                foreach (var image in await ImageArchiveReader.ImportAsync(layout, Content, null, ct, layersInPlace: true))
                {
                    if (Records.Find(image.Name) is { } record && record.ManifestDigest == image.ManifestDigest)
                    {
                        forgotten.Add(record.Name);
                    }
                }
            }
            catch (Exception e) when (e is ImageImportException or IOException or ContentVerificationException or JsonException)
            {
                _log.LogWarning("cannot read the bundled layout {Layout}: {Reason}", layout, e.Message);
            }

            done.ExceptWith(keys);
        }

        foreach (var name in forgotten.Distinct(StringComparer.Ordinal))
        {
            Records.Remove(name);
        }

        if (forgotten.Count > 0 && _log.IsEnabled(LogLevel.Information))
        {
            _log.LogInformation("online mode: {Count} bundled stand-in name(s) forgotten; they are pulled from their registries (--airgap uses them)", forgotten.Count);
        }
    }

    private static readonly string[] AirgapSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.zstd"];
}
