using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ServiceAccounts;

internal static partial class ServiceAccountsLog
{
    [LoggerMessage(EventId = 7801, Level = LogLevel.Information, Message = "ServiceAccount {Namespace}/{Name} created")]
    public static partial void Created(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 7802, Level = LogLevel.Information, Message = "ConfigMap {Namespace}/{Name} published with the cluster's root CA")]
    public static partial void Published(ILogger logger, string @namespace, string name);
}
