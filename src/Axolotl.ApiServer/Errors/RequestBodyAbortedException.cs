namespace Axolotl.ApiServer.Errors;

/// <summary>
/// The client reset or cut its request stream while the server read the body (HTTP/2 RST_STREAM, a closed
/// connection): nobody is left to answer, so it is logged as a departed client, not as a server failure.
/// Kestrel reports it as a bare <see cref="IOException"/>, before the request's abort token fires.
/// </summary>
public sealed class RequestBodyAbortedException(IOException inner) : Exception($"the client ended the request body: {inner.Message}", inner);
