namespace Axolotl.Images.Archives;

/// <summary>An archive or layout that cannot be imported (unknown format, missing blob, no name): nothing of it is named.</summary>
public sealed class ImageImportException(string message, Exception? inner = null) : Exception(message, inner);
