namespace Axolotl.Client;

/// <summary>Tells a failure of the API server to answer from an answer that refuses the request.</summary>
public static class ApiUnavailable
{
    /// <summary>
    /// The server could not be reached, timed out, or said it cannot serve now (5xx, 429): the same
    /// request may well succeed later. A 4xx answer is the server's verdict and is not retried.
    /// </summary>
    public static bool Is(Exception ex) => ex switch
    {
        KubeApiException api => api.Code is >= 500 or 429,
        HttpRequestException or IOException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };
}
