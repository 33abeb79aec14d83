namespace Axolotl.Api.ManagedFields;

/// <summary>An applied configuration structured merge cannot interpret (a list item without its key, duplicates).</summary>
public sealed class FieldSetException(string message) : Exception(message)
{
    public FieldSetException()
        : this("invalid object")
    {
    }

    public FieldSetException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}
