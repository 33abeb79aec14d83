using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Axolotl.Agent.Images;

/// <summary>
/// The node's own images, from a YAML file:
/// <code>
/// images:
///   - image: example.com/shop/api:1.2     # tag "*" matches every tag
///     command: ["/usr/bin/python3", "-m", "http.server"]
///     args: ["8080"]
///     workingDir: /srv/shop
///     env: { GREETING: hello }
/// </code>
/// </summary>
public sealed class UserImageCatalog
{
    private readonly List<(ImageReference Reference, bool AnyTag, UserImageEntry Entry)> _entries = [];

    public IReadOnlyList<UserImageEntry> Entries => _entries.Select(e => e.Entry).ToList();

    public static UserImageCatalog Empty { get; } = new();

    public static UserImageCatalog LoadFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses catalog YAML; throws <see cref="FormatException"/> naming the source and the bad entry.</summary>
    public static UserImageCatalog Parse(string yaml, string source = "image catalog")
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .Build();
        UserImageFile? file;
        try
        {
            file = deserializer.Deserialize<UserImageFile?>(yaml);
        }
        catch (YamlException e)
        {
            throw new FormatException($"{source}: {e.Message}", e);
        }

        var catalog = new UserImageCatalog();
        foreach (var (entry, index) in (file?.Images ?? []).Select((e, i) => (e, i)))
        {
            var image = entry.Image?.Trim() ?? "";
            var anyTag = image.EndsWith(":*", StringComparison.Ordinal);
            var parseable = anyTag ? image[..^2] : image;
            if (!ImageReference.TryParse(parseable, out var reference) || reference.Digest is not null)
            {
                throw new FormatException($"{source}: images[{index}].image: invalid image reference \"{entry.Image}\"");
            }

            if (entry.Command is not { Count: > 0 } && entry.Args is not { Count: > 0 })
            {
                throw new FormatException($"{source}: images[{index}] ({image}): command or args is required");
            }

            catalog._entries.Add((reference, anyTag, entry));
        }

        return catalog;
    }

    /// <summary>The entry for a reference (exact tag first, then a "*" entry), or null.</summary>
    public UserImageEntry? Find(ImageReference reference)
    {
        var exact = _entries.FirstOrDefault(e => !e.AnyTag && e.Reference.Repository == reference.Repository && e.Reference.Tag == reference.Tag);
        if (exact.Entry is not null)
        {
            return exact.Entry;
        }

        return _entries.FirstOrDefault(e => e.AnyTag && e.Reference.Repository == reference.Repository).Entry;
    }

    /// <summary>Whether any entry (any tag) names this repository: then an unknown tag is "not found" rather than "pull access denied".</summary>
    public bool KnowsRepository(string repository) => _entries.Any(e => e.Reference.Repository == repository);
}

public sealed class UserImageFile
{
    public List<UserImageEntry>? Images { get; set; }
}

public sealed class UserImageEntry
{
    public string? Image { get; set; }

    public List<string>? Command { get; set; }

    public List<string>? Args { get; set; }

    public string? WorkingDir { get; set; }

    public Dictionary<string, string>? Env { get; set; }
}
