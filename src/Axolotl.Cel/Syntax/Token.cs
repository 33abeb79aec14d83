namespace Axolotl.Cel.Syntax;

internal enum TokenKind
{
    End,
    Ident,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    Punct,
}

/// <summary>One lexeme; <see cref="Value"/> holds the decoded literal, <see cref="Position"/> the offset for error columns.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, object? Value, int Position);
