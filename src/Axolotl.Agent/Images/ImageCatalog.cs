using System.Security.Cryptography;
using System.Text;

namespace Axolotl.Agent.Images;

/// <summary>
/// Resolves image references to something runnable (architecture.md §7). Order: the node's user
/// catalog, the built-in sample images, host images; anything else fails like a registry miss
/// (ErrImagePull with containerd's wording), an unparseable reference gives InvalidImageName.
/// Resolution is pure lookup: nothing is downloaded.
/// </summary>
public sealed class ImageCatalog
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly Dictionary<string, string[]> HostImages = new(StringComparer.Ordinal)
    {
        ["docker.io/library/busybox"] = ["sh"],
        ["docker.io/library/alpine"] = ["/bin/sh"],
        ["docker.io/library/debian"] = ["bash"],
        ["docker.io/library/ubuntu"] = ["/bin/bash"],
    };

    private readonly UserImageCatalog _user;
    private readonly string? _busybox;

    public ImageCatalog(ImageCatalogOptions? options = null)
        : this(options ?? new ImageCatalogOptions(), LoadUser(options?.UserCatalogPath))
    {
    }

    public ImageCatalog(ImageCatalogOptions options, UserImageCatalog user)
    {
        _user = user;
        SampleApps = SampleAppsLocator.Locate(options.SampleAppsPath, options.BaseDirectory);
        _busybox = options.BusyboxPath switch
        {
            null => new[] { "/usr/bin/busybox", "/bin/busybox" }.FirstOrDefault(File.Exists),
            "" => null,
            var p => p,
        };
    }

    /// <summary>The argv prefix that starts axolotl-sampleapps.</summary>
    public IReadOnlyList<string> SampleApps { get; }

    public ImageResolution Resolve(string? image)
    {
        var requested = image ?? "";
        if (!ImageReference.TryParse(image, out var reference))
        {
            return ImageResolution.Failure(requested, ImageResolution.InvalidImageName,
                $"Failed to apply default image tag \"{requested}\": couldn't parse image name \"{requested}\": invalid reference format");
        }

        // A digest pins content we do not have; only the tag (or latest) decides what runs here.
        var user = _user.Find(reference);
        if (user is not null)
        {
            return ImageResolution.Success(requested, FromUser(reference, user));
        }

        var builtIn = BuiltInImages.All.FirstOrDefault(b => b.Repositories.Contains(reference.Repository));
        if (builtIn is not null && builtIn.TagExists(reference.Tag))
        {
            return ImageResolution.Success(requested, FromBuiltIn(reference, builtIn));
        }

        if (HostImages.TryGetValue(reference.Repository, out var cmd))
        {
            return ImageResolution.Success(requested, FromHost(reference, cmd));
        }

        var repositoryExists = builtIn is not null || _user.KnowsRepository(reference.Repository);
        return ImageResolution.Failure(requested, ImageResolution.ErrImagePull, PullErrorMessage(reference, repositoryExists));
    }

    /// <summary>
    /// containerd's error for a reference it cannot resolve, as the kubelet reports it: a known
    /// repository with a missing tag is "not found"; an unknown Docker Hub repository is "pull access denied".
    /// </summary>
    public static string PullErrorMessage(ImageReference reference, bool repositoryExists)
    {
        var r = reference.Canonical;
        return repositoryExists || reference.Domain != ImageReference.DockerHub
            ? $"rpc error: code = NotFound desc = failed to pull and unpack image \"{r}\": failed to resolve reference \"{r}\": {r}: not found"
            : $"rpc error: code = Unknown desc = failed to pull and unpack image \"{r}\": failed to resolve reference \"{r}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed";
    }

    private ResolvedImage FromBuiltIn(ImageReference reference, BuiltInImage image)
    {
        var defaultArgs = image.DefaultArgs(reference.Tag);
        var entrypoint = SampleApps.Append(image.App).ToList();
        var env = new Dictionary<string, string>(image.Environment(reference.Tag)) { ["PATH"] = DefaultPath };
        var aliasTarget = image.AliasKeepsDefaultArgs ? entrypoint.Concat(defaultArgs).ToList() : entrypoint;
        return new ResolvedImage(
            reference,
            ImageSource.BuiltIn,
            ImageId(reference, "builtin", image.App, string.Join('\0', defaultArgs)),
            entrypoint,
            defaultArgs,
            WorkingDirectory: null,
            env)
        {
            ExecutableAliases = image.ExecutableNames.ToDictionary(n => n, _ => (IReadOnlyList<string>)aliasTarget, StringComparer.Ordinal),
            ToolAliases = image.Tools.ToDictionary(t => t.Key, t => (IReadOnlyList<string>)SampleApps.Append(t.Value).ToList(), StringComparer.Ordinal),
        };
    }

    private ResolvedImage FromHost(ImageReference reference, string[] defaultCommand)
    {
        var busybox = reference.Path == "library/busybox" ? _busybox : null;
        return new ResolvedImage(
            reference,
            ImageSource.Host,
            ImageId(reference, "host", busybox ?? ""),
            Entrypoint: [],
            DefaultArgs: defaultCommand,
            WorkingDirectory: null,
            new Dictionary<string, string> { ["PATH"] = DefaultPath })
        {
            Launcher = busybox is null ? [] : [busybox],
        };
    }

    private static ResolvedImage FromUser(ImageReference reference, UserImageEntry entry)
    {
        var env = new Dictionary<string, string>(entry.Env ?? []);
        env.TryAdd("PATH", DefaultPath);
        return new ResolvedImage(
            reference,
            ImageSource.User,
            ImageId(reference, "user", string.Join('\0', entry.Command ?? []), string.Join('\0', entry.Args ?? []), entry.WorkingDir ?? ""),
            entry.Command ?? [],
            entry.Args ?? [],
            string.IsNullOrEmpty(entry.WorkingDir) ? null : entry.WorkingDir,
            env);
    }

    // Stable per reference and definition, so the same image keeps its id across agent restarts
    // and a changed catalog entry shows as a different image.
    private static string ImageId(ImageReference reference, params string[] parts)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(reference.Repository + ":" + reference.Tag + "\0" + string.Join('\0', parts)));
        return $"{reference.Repository}@sha256:{Convert.ToHexStringLower(bytes)}";
    }

    private static UserImageCatalog LoadUser(string? path) =>
        string.IsNullOrEmpty(path) ? UserImageCatalog.Empty : UserImageCatalog.LoadFile(path);
}
