using Microsoft.AspNetCore.Builder;

namespace Axolotl.SampleApps.Common;

/// <summary>
/// The options every sample app's web host is built with. ASP.NET's defaults make the working directory the
/// content root and reload appsettings.json on change, which inotify-watches that directory recursively. A
/// container's working directory is often "/": in a process-runtime pod without an image that is the node's
/// whole filesystem (18,000 watches here, 3.7 s before the app listened, and past 90 s on a loaded CI
/// machine). The apps read no configuration files, so nothing is watched and the content root is the app's
/// own directory. (The binary's web hosts do the same in Axolotl.Hosting's EmbeddedWebHost; the sample apps
/// ship in images on their own and reference none of Axolotl.)
/// </summary>
internal static class AppWebHost
{
    public static WebApplicationOptions Options => new()
    {
        Args = ["--hostBuilder:reloadConfigOnChange=false"],
        ContentRootPath = AppContext.BaseDirectory,
    };
}
