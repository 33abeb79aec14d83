namespace Axolotl.Cel.Checking;

/// <summary>Every error the checker found, each at a source offset; <see cref="CelEnvironment"/> prints them in source order as cel-go does.</summary>
internal sealed class CelCheckException(IReadOnlyList<(int Position, string Message)> errors) : Exception(errors.Count > 0 ? errors[0].Message : "check failed")
{
    public IReadOnlyList<(int Position, string Message)> Errors { get; } = errors;
}
