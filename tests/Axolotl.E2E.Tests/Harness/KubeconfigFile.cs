using System.Text.RegularExpressions;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>Reads the bearer token out of the server's kubeconfig and writes altered copies of it.</summary>
public static partial class KubeconfigFile
{
    public static string Token(string kubeconfig)
    {
        var match = TokenLine().Match(File.ReadAllText(kubeconfig));
        Assert.True(match.Success, $"no token in {kubeconfig}:\n{File.ReadAllText(kubeconfig)}");
        return match.Groups["token"].Value.Trim('"', '\'');
    }

    /// <summary>A copy of <paramref name="kubeconfig"/> at <paramref name="path"/> whose `token: …` line is
    /// replaced by <paramref name="credentials"/> (e.g. `token: wrong` or `username: anonymous`).</summary>
    public static string CopyWithCredentials(string kubeconfig, string path, string credentials)
    {
        var text = File.ReadAllText(kubeconfig);
        Assert.Matches(TokenLine(), text);
        var changed = TokenLine().Replace(text, m => m.Groups["indent"].Value + credentials);
        File.WriteAllText(path, changed);
        return path;
    }

    [GeneratedRegex(@"^(?<indent>[ \t-]*)token:[ \t]*(?<token>\S+)[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex TokenLine();
}
