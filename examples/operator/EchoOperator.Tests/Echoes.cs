using EchoOperator.Model;
using k8s.Models;

namespace EchoOperator.Tests;

internal static class Echoes
{
    public static EchoServer Hello(int replicas = 2, string message = "hi", long generation = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "echo", Uid = "uid-1", Generation = generation },
        Spec = new EchoServerSpec { Replicas = replicas, Message = message },
    };
}
