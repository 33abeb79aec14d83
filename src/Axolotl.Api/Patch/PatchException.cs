namespace Axolotl.Api.Patch;

/// <summary>
/// A patch that cannot be applied: malformed directives, a missing merge key, a failed JSON-patch test, a bad path.
/// The API server reports it to the client (upstream answers 422 Invalid or 400 BadRequest with this message).
/// </summary>
public sealed class PatchException : Exception
{
    public PatchException()
    {
    }

    public PatchException(string message)
        : base(message)
    {
    }

    public PatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
