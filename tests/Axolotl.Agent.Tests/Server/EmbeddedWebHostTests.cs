using Axolotl.Hosting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Axolotl.Agent.Tests.Server;

/// <summary>
/// The binary's web hosts never watch the directory they were started in: ASP.NET's defaults watched the
/// working directory (the data dir, with every pod's state and image roots) recursively with inotify.
/// </summary>
public sealed class EmbeddedWebHostTests
{
    [Fact]
    public async Task A_host_built_with_its_options_watches_no_configuration_file_and_roots_in_the_binarys_directory()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = EmbeddedWebHost.Arguments, ContentRootPath = EmbeddedWebHost.ContentRoot });
        await using var app = builder.Build();

        var files = ((IConfigurationRoot)app.Configuration).Providers.OfType<JsonConfigurationProvider>().ToList();
        Assert.NotEmpty(files); // appsettings.json is still read once, as ASP.NET reads it
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, f.Source.Path));
        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(app.Environment.ContentRootPath));
    }

    [Fact]
    public async Task Without_them_the_working_directory_would_be_watched()
    {
        // What the options change: the defaults reload appsettings.json from a watched content root.
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        Assert.Contains(((IConfigurationRoot)app.Configuration).Providers.OfType<JsonConfigurationProvider>(), f => f.Source.ReloadOnChange);
    }

    [Fact]
    public async Task A_host_built_for_the_binary_leaves_sigterm_to_the_command()
    {
        // The command stops the node, the scheduler and the controllers first and its web hosts last; a host that
        // stopped on SIGTERM by itself went down first, and they waited out timeouts against it.
        await using var app = EmbeddedWebHost.CreateSlimBuilder().Build();

        Assert.IsType<CommandOwnedLifetime>(app.Services.GetRequiredService<IHostLifetime>());
    }

    [Fact]
    public async Task Without_it_the_host_would_stop_on_sigterm_by_itself()
    {
        // What it changes: ASP.NET's default lifetime stops the host on SIGTERM and Ctrl-C.
        await using var app = WebApplication.CreateSlimBuilder().Build();

        Assert.IsType<ConsoleLifetime>(app.Services.GetRequiredService<IHostLifetime>());
    }
}
