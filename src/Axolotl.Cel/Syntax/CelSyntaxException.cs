namespace Axolotl.Cel.Syntax;

/// <summary>A parse or check failure at an offset of the source; <see cref="CelEnvironment"/> formats it as cel-go does.</summary>
internal sealed class CelSyntaxException(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}
