using System.Globalization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Runtime.Security;

namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// Which filter a container runs under, as the kubelet chooses the profile and containerd with runc
/// applies it: the container's securityContext.seccompProfile, else the pod's, else RuntimeDefault
/// with --seccomp-default and Unconfined without; privileged containers run unconfined; Localhost
/// names a file under the node's seccomp root (&lt;agent data dir&gt;/seccomp, the kubelet's
/// &lt;root-dir&gt;/seccomp). Errors carry containerd's messages: an unreadable or undecodable file
/// fails the creation (CreateContainerError), a profile runc refuses fails the start (StartError).
/// </summary>
public sealed class SeccompProfileResolver(string profileRoot, SeccompProgramStore store, bool seccompDefault, Version kernel)
{
    private const string CreateFailed = "failed to create containerd container: ";
    private const string TaskFailed = "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: ";

    public string ProfileRoot => profileRoot;

    /// <summary>The kernel version from uname (Environment.OSVersion on Linux).</summary>
    public static Version HostKernel => Environment.OSVersion.Version;

    /// <summary>The program for <paramref name="container"/>, or null for no filter.</summary>
    /// <param name="capabilities">The container's capability set (RuntimeDefault depends on it).</param>
    /// <exception cref="SeccompProfileException">The profile cannot be loaded (see <see cref="SeccompProfileException.AtStart"/>).</exception>
    public SeccompProgram? Resolve(PodSpec pod, Container container, IReadOnlySet<string> capabilities)
    {
        if (container.SecurityContext?.Privileged == true)
        {
            return null;
        }
        var profile = container.SecurityContext?.SeccompProfile ?? pod.SecurityContext?.SeccompProfile;
        return (profile?.Type ?? (seccompDefault ? "RuntimeDefault" : "Unconfined")) switch
        {
            "RuntimeDefault" => RuntimeDefault(capabilities),
            "Localhost" when !string.IsNullOrEmpty(profile!.LocalhostProfile) => Localhost(profile.LocalhostProfile),
            // Admission requires localhostProfile with Localhost; the kubelet's own words if one got through.
            "Localhost" => throw new SeccompProfileException("localhostProfile must be set if seccompProfile type is Localhost.", atStart: false),
            _ => null,
        };
    }

    /// <summary>
    /// Compiles RuntimeDefault for containerd's default capability set ahead of the first container
    /// that needs it: the first compile in a fresh process (JIT included) took 270 ms on a busy
    /// 2-core machine, 15 ms once warm; a later start only looks the program up.
    /// </summary>
    public void WarmUp()
    {
        try
        {
            RuntimeDefault(new HashSet<string>(LinuxCapabilities.DefaultNames, StringComparer.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The first container that needs the program tries again and reports what fails.
        }
    }

    private SeccompProgram? RuntimeDefault(IReadOnlySet<string> capabilities)
    {
        var sorted = capabilities.Order(StringComparer.Ordinal).ToList();
        var key = "runtime-default:" + string.Join(',', sorted);
        return store.GetOrCompile(key, () => SeccompCompiler.Compile(RuntimeDefaultProfile.For(sorted, kernel)));
    }

    private SeccompProgram? Localhost(string relative)
    {
        // The kubelet joins the root and the name (admission already refused absolute paths and "..");
        // a name that still leaves the root is refused rather than read.
        var root = Path.GetFullPath(profileRoot);
        var path = Path.GetFullPath(Path.Join(root, relative));
        if (!path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            throw new SeccompProfileException(
                CreateFailed + $"cannot load seccomp profile {GoValue.Quote(path)}: the path is outside the seccomp profile root {root}", atStart: false);
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeccompProfileException(CreateFailed + $"cannot load seccomp profile {GoValue.Quote(path)}: {GoReadError(path, e)}", atStart: false);
        }
        var key = "localhost:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        return store.GetOrCompile(key, () =>
        {
            OciSeccompProfile profile;
            try
            {
                profile = OciSeccompProfileReader.Parse(bytes);
            }
            catch (FormatException e)
            {
                throw new SeccompProfileException(CreateFailed + $"decoding seccomp profile failed {GoValue.Quote(path)}: {e.Message}", atStart: false);
            }
            try
            {
                return SeccompCompiler.Compile(profile);
            }
            catch (SeccompProfileException e)
            {
                throw new SeccompProfileException(TaskFailed + e.Message + ": unknown", atStart: true);
            }
        });
    }

    /// <summary>Go's os.ReadFile error text ("open P: no such file or directory").</summary>
    private static string GoReadError(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"open {path}: no such file or directory",
        UnauthorizedAccessException when Directory.Exists(path) => $"read {path}: is a directory",
        UnauthorizedAccessException => $"open {path}: permission denied",
        _ when Directory.Exists(path) => $"read {path}: is a directory",
        _ => $"open {path}: {e.Message.ToLower(CultureInfo.InvariantCulture)}",
    };
}
