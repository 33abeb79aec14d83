using System.Net;
using EchoOperator.Controller;
using EchoOperator.Model;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace EchoOperator.Reconcile;

/// <summary>
/// Level-triggered: given an EchoServer's key, reads what is there now and makes its Deployment and Service
/// match it (creating a missing one, restoring an edited one), then writes the status it observed.
/// A missing EchoServer needs nothing: the garbage collector removes what it owned.
/// </summary>
public sealed class EchoServerReconciler(IKubernetes client, EventRecorder events, TimeProvider time)
{
    public async Task ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var echo = await GetOrNullAsync(() => client.CustomObjects.GetNamespacedCustomObjectAsync<EchoServer>(
            EchoServer.Group, EchoServer.Version, key.Namespace, EchoServer.Plural, key.Name, ct));
        if (echo is null || echo.Metadata.DeletionTimestamp is not null)
        {
            return;
        }

        var deployment = await GetOrNullAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync(key.Name, key.Namespace, cancellationToken: ct));
        var service = await GetOrNullAsync(() => client.CoreV1.ReadNamespacedServiceAsync(key.Name, key.Namespace, cancellationToken: ct));
        var conflict = Conflict(echo, "Deployment", deployment?.Metadata) ?? Conflict(echo, "Service", service?.Metadata);
        if (conflict is null)
        {
            deployment = await EnsureDeploymentAsync(echo, deployment, ct);
            await EnsureServiceAsync(echo, service, ct);
        }
        await WriteStatusAsync(echo, deployment, conflict, ct);
    }

    private async Task<V1Deployment> EnsureDeploymentAsync(EchoServer echo, V1Deployment? live, CancellationToken ct)
    {
        var ns = echo.Metadata.NamespaceProperty;
        if (live is null)
        {
            var created = await client.AppsV1.CreateNamespacedDeploymentAsync(DesiredObjects.Deployment(echo), ns, cancellationToken: ct);
            await NoteAsync(echo, "CreatedDeployment", $"Created Deployment {echo.Metadata.Name} with {echo.Spec.Replicas} replicas", ct);
            return created;
        }
        if (!DesiredObjects.Drifted(live, echo))
        {
            return live;
        }
        // live came from the server for this reconcile only; the resourceVersion it carries makes a concurrent edit a 409 and a retry.
        DesiredObjects.Restore(live, echo);
        var restored = await client.AppsV1.ReplaceNamespacedDeploymentAsync(live, live.Metadata.Name, ns, cancellationToken: ct);
        await NoteAsync(echo, "RestoredDeployment", $"Deployment {echo.Metadata.Name} had drifted from the EchoServer: restored it", ct);
        return restored;
    }

    private async Task EnsureServiceAsync(EchoServer echo, V1Service? live, CancellationToken ct)
    {
        var ns = echo.Metadata.NamespaceProperty;
        if (live is null)
        {
            await client.CoreV1.CreateNamespacedServiceAsync(DesiredObjects.Service(echo), ns, cancellationToken: ct);
            await NoteAsync(echo, "CreatedService", $"Created Service {echo.Metadata.Name}", ct);
        }
        else if (DesiredObjects.Drifted(live, echo))
        {
            DesiredObjects.Restore(live, echo);
            await client.CoreV1.ReplaceNamespacedServiceAsync(live, live.Metadata.Name, ns, cancellationToken: ct);
            await NoteAsync(echo, "RestoredService", $"Service {echo.Metadata.Name} had drifted from the EchoServer: restored it", ct);
        }
    }

    private async Task WriteStatusAsync(EchoServer echo, V1Deployment? deployment, string? conflict, CancellationToken ct)
    {
        var status = StatusReport.From(echo, deployment, conflict, time.GetUtcNow().UtcDateTime);
        if (!StatusReport.Differs(echo.Status, status))
        {
            return;
        }
        // Replace through the status subresource with the resourceVersion read above: a newer EchoServer is a 409 and a retry.
        echo.Status = status;
        await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<EchoServer>(echo, EchoServer.Group, EchoServer.Version,
            echo.Metadata.NamespaceProperty, EchoServer.Plural, echo.Metadata.Name, cancellationToken: ct);
        Log.Line($"EchoServer {echo.Metadata.NamespaceProperty}/{echo.Metadata.Name}: {status.Conditions[0].Reason}, {status.Conditions[0].Message}");
    }

    /// <summary>An object of the same name that another controller owns is left alone and reported.</summary>
    private static string? Conflict(EchoServer echo, string kind, V1ObjectMeta? meta)
    {
        var controller = meta?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        return controller is not null && controller.Uid != echo.Metadata.Uid
            ? $"{kind} {echo.Metadata.Name} exists and is controlled by {controller.Kind} {controller.Name}"
            : null;
    }

    private async Task NoteAsync(EchoServer echo, string reason, string message, CancellationToken ct)
    {
        Log.Line($"EchoServer {echo.Metadata.NamespaceProperty}/{echo.Metadata.Name}: {message}");
        await events.RecordAsync(echo, "Normal", reason, message, ct);
    }

    private static async Task<T?> GetOrNullAsync<T>(Func<Task<T>> get)
        where T : class
    {
        try
        {
            return await get();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
