using System.Globalization;

namespace Axolotl.SeedImages;

/// <summary>
/// The seed images left out because an input is not on this machine, one row per repository and
/// missing package: the tool prints them as warnings and writes them to a file, from which
/// `./axolotl` knows to build the images again once the package is installed.
/// </summary>
public sealed class SkippedImages
{
    private readonly SortedDictionary<(string Repository, string Package), (int Tags, string Reason)> _rows = new();

    public int Count => _rows.Count;

    public void Add(IEnumerable<string> repositories, int tags, string package, string reason)
    {
        foreach (var repository in repositories)
        {
            var key = (repository, package);
            _rows[key] = (_rows.TryGetValue(key, out var row) ? row.Tags + tags : tags, reason);
        }
    }

    /// <summary>One line per row: "seed image REPO (N tags) skipped: REASON (apt-get install PACKAGE)".</summary>
    public IEnumerable<string> Warnings() => _rows.Select(r => string.Create(CultureInfo.InvariantCulture,
        $"seed image {r.Key.Repository} ({r.Value.Tags} tag{(r.Value.Tags == 1 ? "" : "s")}) skipped: {r.Value.Reason} (apt-get install {r.Key.Package})"));

    /// <summary>The file's lines: "PACKAGE\tREPOSITORY".</summary>
    public IEnumerable<string> FileLines() => _rows.Keys.Select(k => k.Package + "\t" + k.Repository);
}
