using System.Text;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// The three fields of the kubeconfig `axolotl server` writes (server, inline CA, bearer token). A
/// line scan is enough for that one fixed layout and keeps the benchmark free of project references.
/// </summary>
internal sealed record Kubeconfig(Uri Server, string CaPem, string Token)
{
    public static Kubeconfig Load(string path)
    {
        string? server = null, ca = null, token = null;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            server ??= Value(line, "server:");
            ca ??= Value(line, "certificate-authority-data:");
            token ??= Value(line, "token:");
        }
        if (server is null || ca is null || token is null)
        {
            throw new InvalidDataException($"{path} lacks server, certificate-authority-data or token");
        }
        return new Kubeconfig(new Uri(server), Encoding.UTF8.GetString(Convert.FromBase64String(ca)), token);
    }

    private static string? Value(string line, string key) =>
        line.StartsWith(key, StringComparison.Ordinal) ? line[key.Length..].Trim().Trim('"') : null;
}
