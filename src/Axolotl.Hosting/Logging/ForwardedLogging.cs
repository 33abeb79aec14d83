using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axolotl.Hosting.Logging;

/// <summary>
/// Sends what an embedded web host logs itself (Kestrel's connection, protocol and heartbeat warnings) to
/// the process's logger factory, so its failures reach the operator with the rest of the log and under
/// the same filters; without it they vanish. Information and below from ASP.NET Core stays out: a
/// request per line is the access log's job, not the operator's.
/// </summary>
public static class ForwardedLogging
{
    public static ILoggingBuilder ForwardTo(this ILoggingBuilder builder, ILoggerFactory target)
    {
        builder.ClearProviders();
        builder.Services.AddSingleton<ILoggerProvider>(new Provider(target));
        builder.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Warning);
        builder.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        return builder;
    }

    private sealed class Provider(ILoggerFactory target) : ILoggerProvider
    {
        // The target belongs to the process: the host's shutdown must not dispose it.
        public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
