using Axolotl.ApiServer.Security.Rbac;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>The filter between authentication and the handlers that decides whether (and when) an authenticated request runs.</summary>
public interface IRequestLimiter
{
    Task ServeAsync(HttpContext ctx, AuthorizationRequest request, Func<Task> next);
}
