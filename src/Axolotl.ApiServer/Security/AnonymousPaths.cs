using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>The paths a request without credentials may read (health and version), as upstream's system:public-info-viewer.</summary>
public static class AnonymousPaths
{
    public static bool Matches(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/livez") ||
        path.StartsWithSegments("/readyz") || path.StartsWithSegments("/version");
}
