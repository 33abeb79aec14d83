namespace Axolotl.Api.Apiextensions.Schema;

/// <summary>One additionalPrinterColumns entry: a Table column read from the object by a simple JSONPath.</summary>
public sealed record PrinterColumn(string Name, string Type, string Format, string Description, int Priority, string JsonPath);
