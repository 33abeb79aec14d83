namespace EchoOperator.Controller;

/// <summary>Which EchoServer to reconcile: the queue holds keys, never events.</summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}
