using System.Net.Sockets;

namespace Axolotl.Client;

/// <summary>What a failed call to the API server means for how loudly its caller logs it.</summary>
public enum ApiFailureKind
{
    /// <summary>Lost a race with another writer (409, 404, 410, 429): retrying is the whole answer; Debug.</summary>
    Race,

    /// <summary>The server refused or could not be reached: one line with its message, no stack trace.</summary>
    Refused,

    /// <summary>Anything else is a bug in the caller: its stack trace is what finds it.</summary>
    Unexpected,
}

public static class ApiFailures
{
    public static ApiFailureKind Classify(Exception e) => e switch
    {
        KubeApiException api when api.IsConflict || api.IsAlreadyExists || api.IsNotFound || api.IsGone || api.Code == 429 => ApiFailureKind.Race,
        KubeApiException or HttpRequestException or IOException or SocketException or TimeoutException or TaskCanceledException => ApiFailureKind.Refused,
        _ => ApiFailureKind.Unexpected,
    };
}
