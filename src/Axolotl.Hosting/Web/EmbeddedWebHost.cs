using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Axolotl.Hosting.Web;

/// <summary>
/// What every web host inside the binary (API server, kubelet server, Ingress listener) is built with.
/// ASP.NET's defaults make the content root the working directory and reload appsettings.json on change,
/// which watches that directory recursively with inotify: run from the data dir (as the benchmark and a
/// systemd unit do) that was every pod's state and image root, one watch per directory and a wake-up and
/// allocations in the server for every directory a container start or restart created (about 60 per pod,
/// 3,000 watches twice over for 100 pods). Nothing is configured through appsettings.json, so nothing is
/// watched, and the content root is the binary's own directory, never where the process was started.
/// </summary>
public static class EmbeddedWebHost
{
    /// <summary>The host's command line: configuration files are read once, never watched.</summary>
    public static string[] Arguments => ["--hostBuilder:reloadConfigOnChange=false"];

    /// <summary>The binary's directory: nothing under the working directory is ever looked at.</summary>
    public static string ContentRoot => AppContext.BaseDirectory;

    /// <summary>A slim builder with these settings, whose host leaves SIGTERM and Ctrl-C to the command (<see cref="CommandOwnedLifetime"/>).</summary>
    public static WebApplicationBuilder CreateSlimBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Arguments, ContentRootPath = ContentRoot });
        builder.Services.AddSingleton<IHostLifetime, CommandOwnedLifetime>();
        return builder;
    }
}
