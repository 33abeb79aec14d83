namespace Axolotl.ApiServer.Apiextensions.Conversion;

/// <summary>A conversion webhook could not be asked, or its answer could not be used; the message is upstream's error.</summary>
public sealed class ConversionFailedException(string message) : Exception(message);
