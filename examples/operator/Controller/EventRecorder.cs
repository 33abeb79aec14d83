using EchoOperator.Model;
using k8s;
using k8s.Models;

namespace EchoOperator.Controller;

/// <summary>Writes core/v1 Events about an EchoServer, so `kubectl describe echoserver` shows what the operator did.</summary>
public sealed class EventRecorder(IKubernetes client, TimeProvider time)
{
    public async Task RecordAsync(EchoServer echo, string type, string reason, string message, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = echo.Metadata.Name + ".", NamespaceProperty = echo.Metadata.NamespaceProperty },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = echo.ApiVersion,
                Kind = EchoServer.KindName,
                Name = echo.Metadata.Name,
                NamespaceProperty = echo.Metadata.NamespaceProperty,
                Uid = echo.Metadata.Uid,
                ResourceVersion = echo.Metadata.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Message = message,
            Count = 1,
            FirstTimestamp = now,
            LastTimestamp = now,
            Source = new V1EventSource { Component = DesiredObjectsComponent },
            ReportingComponent = DesiredObjectsComponent,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(ev, echo.Metadata.NamespaceProperty, cancellationToken: ct);
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            // An event is best effort: losing one must not fail the reconcile that did the work.
            Log.Line($"event {reason} for EchoServer {echo.Metadata.NamespaceProperty}/{echo.Metadata.Name} not written: {e.Response.StatusCode}");
        }
    }

    private const string DesiredObjectsComponent = "echo-operator";
}
