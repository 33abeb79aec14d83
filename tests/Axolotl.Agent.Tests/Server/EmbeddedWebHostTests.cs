using Axolotl.Hosting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

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
}
