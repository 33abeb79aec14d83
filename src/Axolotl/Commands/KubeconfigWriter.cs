using System.Text;

namespace Axolotl.Commands;

/// <summary>Writes an admin kubeconfig: https, the cluster CA inline, a bearer token, context "axolotl".</summary>
public static class KubeconfigWriter
{
    public static string Write(string path, Uri server, string caPem, string token)
    {
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
        var yaml = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: axolotl
              cluster:
                server: {server.ToString().TrimEnd('/')}
                certificate-authority-data: {ca}
            users:
            - name: axolotl-admin
              user:
                token: {token}
            contexts:
            - name: axolotl
              context:
                cluster: axolotl
                user: axolotl-admin
                namespace: default
            current-context: axolotl
            preferences: {"{}"}

            """;
        var temp = path + ".tmp";
        File.WriteAllText(temp, yaml);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
