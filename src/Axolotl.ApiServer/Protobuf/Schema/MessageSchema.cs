namespace Axolotl.ApiServer.Protobuf.Schema;

/// <summary>A message's fields in upstream JSON order, with a lookup by protobuf field number.</summary>
internal sealed class MessageSchema
{
    private readonly int[] _indexByNumber;

    public MessageSchema(string name, IReadOnlyList<ProtoField> fields)
    {
        Name = name;
        Fields = fields;
        var max = fields.Count == 0 ? 0 : fields.Max(f => f.Number);
        _indexByNumber = new int[max + 1];
        Array.Fill(_indexByNumber, -1);
        for (var i = 0; i < fields.Count; i++)
        {
            if (_indexByNumber[fields[i].Number] >= 0)
            {
                throw new InvalidOperationException($"{name}: field number {fields[i].Number} is declared twice");
            }
            _indexByNumber[fields[i].Number] = i;
        }
    }

    /// <summary>Full name, e.g. "apps.v1.Deployment".</summary>
    public string Name { get; }

    public IReadOnlyList<ProtoField> Fields { get; }

    /// <summary>The index into <see cref="Fields"/>, or -1 for a field this schema does not know (it is skipped).</summary>
    public int IndexOf(int number) => number < _indexByNumber.Length ? _indexByNumber[number] : -1;
}
