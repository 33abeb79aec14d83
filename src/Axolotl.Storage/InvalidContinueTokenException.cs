namespace Axolotl.Storage;

/// <summary>
/// A continue token that this store did not issue, or issued for another prefix. It derives from
/// <see cref="ArgumentException"/> so the API server can answer 400 BadRequest, as kube-apiserver does
/// for a continue token it cannot decode.
/// </summary>
public sealed class InvalidContinueTokenException : ArgumentException
{
    public InvalidContinueTokenException()
        : base("invalid continue token")
    {
    }

    public InvalidContinueTokenException(string message)
        : base(message)
    {
    }

    public InvalidContinueTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
