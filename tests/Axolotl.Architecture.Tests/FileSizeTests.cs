namespace Axolotl.Architecture.Tests;

/// <summary>A file past these sizes is doing more than one thing (conventions: "avoid god files").</summary>
public sealed class FileSizeTests
{
    [Theory]
    [InlineData(".cs", 600)]
    [InlineData(".c", 700)]
    [InlineData(".h", 700)]
    public void No_product_source_file_is_longer_than_the_limit(string extension, int limit)
    {
        var tooLong = SourceTree.Files(SourceTree.Src, extension)
            .Select(f => (File: SourceTree.Relative(f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > limit)
            .Select(f => $"{f.File}: {f.Lines} lines")
            .ToList();

        Assert.True(tooLong.Count == 0, $"over {limit} lines (split it by concern):\n" + string.Join('\n', tooLong));
    }
}
