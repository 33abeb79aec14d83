using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axolotl.Hosting.Logging;

/// <summary>
/// Sends what an embedded web host logs itself (Kestrel's connection, protocol and heartbeat warnings) to
/// the process's logger factory, so its failures reach the operator with the rest of the log; without it
/// they vanish. The target's filters alone decide what is written (the commands keep ASP.NET Core at
/// Warning unless --v asks for more): filtering here too would hide the framework's Debug at --v=4.
/// </summary>
public static class ForwardedLogging
{
    public static ILoggingBuilder ForwardTo(this ILoggingBuilder builder, ILoggerFactory target)
    {
        builder.ClearProviders();
        builder.Services.AddSingleton<ILoggerProvider>(new Provider(target));
        builder.SetMinimumLevel(LogLevel.Trace);
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
