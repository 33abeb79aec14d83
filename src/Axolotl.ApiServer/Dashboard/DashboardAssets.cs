using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Axolotl.ApiServer.Dashboard;

/// <summary>One file of the dashboard's build, as embedded in this assembly.</summary>
public sealed record DashboardAsset(string Path, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The dashboard's static files (index.html, hashed JS and CSS under assets/), embedded at build
/// time from ../Axolotl.Dashboard's Vite output under the resource prefix "dashboard/". Read once;
/// immutable afterwards.
/// </summary>
public sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";

    private readonly FrozenDictionary<string, DashboardAsset> _files;

    public DashboardAssets(IEnumerable<DashboardAsset> files) =>
        _files = files.ToFrozenDictionary(f => f.Path, StringComparer.Ordinal);

    public static DashboardAssets Embedded { get; } = Load(typeof(DashboardAssets).Assembly);

    public int Count => _files.Count;

    public DashboardAsset? Find(string path) => _files.GetValueOrDefault(path);

    public static DashboardAssets Load(Assembly assembly)
    {
        var files = new List<DashboardAsset>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files.Add(Create(name[Prefix.Length..], buffer.ToArray()));
        }
        return new DashboardAssets(files);
    }

    public static DashboardAsset Create(string path, byte[] content)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12));
        return new DashboardAsset(path, content, ContentType(path), $"\"{hash}\"");
    }

    private static string ContentType(string path) => System.IO.Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" => "application/json",
        ".woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
}
