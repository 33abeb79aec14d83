using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// Upstream's ResourceQuota admission: a create (or a charged update) in a namespace with quotas is
/// checked against every quota that covers it and refused with 403 when one would be exceeded.
/// Checks run under a per-namespace lock and count usage from the store, and the admitted write
/// happens before the lock is released, so concurrent creates never over-admit; the covering quotas'
/// status is then recounted, so `kubectl get quota` is current as soon as the write returns.
/// </summary>
public sealed class QuotaAdmission : IWriteAdmissionPlugin
{
    private readonly ObjectStore _objects;
    private readonly TimeProvider _clock;
    private readonly NamespaceLocks _locks = new();

    public QuotaAdmission(ObjectStore objects, TimeProvider clock, ILogger? logger = null)
    {
        _objects = objects;
        _clock = clock;
        Status = new QuotaStatusUpdater(objects, _locks, clock, logger ?? NullLogger.Instance, Namespaces);
    }

    public QuotaStatusUpdater Status { get; }

    /// <summary>Which namespaces hold quotas, kept by <see cref="Status"/>'s watch and this plugin's own quota creates.</summary>
    public QuotaNamespaces Namespaces { get; } = new();

    public string Name => "ResourceQuota";

    /// <summary>Creates, and updates of the object itself (a status write charges nothing), are checked; deletes free usage.</summary>
    public Task<StoredObject?> AdmitWriteAsync(AdmissionAttributes attributes, Func<Task<StoredObject>>? write, CancellationToken ct) =>
        attributes.Operation switch
        {
            AdmissionOperation.Create => AdmitAsync(attributes.Type, attributes.Namespace, attributes.Object!, null, NotingQuotas(attributes, write), ct),
            AdmissionOperation.Update when attributes.Subresource is null =>
                AdmitAsync(attributes.Type, attributes.Namespace, attributes.Object!, attributes.OldObject, write, ct),
            _ => WriteAsync(write),
        };

    private static async Task<StoredObject?> WriteAsync(Func<Task<StoredObject>>? write) => write is null ? null : await write();

    /// <summary>A quota this server creates counts for its namespace's next write at once (<see cref="QuotaNamespaces"/>).</summary>
    private Func<Task<StoredObject>>? NotingQuotas(AdmissionAttributes attributes, Func<Task<StoredObject>>? write)
    {
        if (write is null || attributes.Type != KnownResources.ResourceQuotas || attributes.Namespace is not { } ns)
        {
            return write;
        }
        return async () =>
        {
            var stored = await write();
            Namespaces.CreatedHere(ns, stored.Revision);
            return stored;
        };
    }

    /// <summary>
    /// Checks <paramref name="obj"/> (with <paramref name="old"/> for an update) against the namespace's
    /// quotas, then runs <paramref name="write"/> (null for a dry run) while still holding the namespace.
    /// </summary>
    public async Task<StoredObject?> AdmitAsync(ResourceType type, string? ns, JsonObject obj, JsonObject? old,
        Func<Task<StoredObject>>? write, CancellationToken ct)
    {
        var evaluator = ns is null ? null : QuotaEvaluators.For(type);
        if (evaluator is null || (old is not null && !evaluator.ChargesUpdates) || !await Namespaces.HasQuotasAsync(_objects, ns!, ct))
        {
            return write is null ? null : await write();
        }
        using (await _locks.AcquireAsync(ns!, ct))
        {
            var charged = await CheckAsync(evaluator, ns!, obj, old, ct);
            if (write is null)
            {
                return null;
            }
            var stored = await write();
            if (charged)
            {
                try
                {
                    await Status.RecountLockedAsync(ns!, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The write stands; the status loop recounts on the write's event.
                    Status.Enqueue(ns!);
                }
            }
            return stored;
        }
    }

    /// <summary>Throws 403 when a covering quota refuses the object; returns whether any quota was charged.</summary>
    private async Task<bool> CheckAsync(IQuotaEvaluator evaluator, string ns, JsonObject obj, JsonObject? old, CancellationToken ct)
    {
        var quotas = await QuotaUsage.LoadQuotasAsync(_objects, ns, ct);
        if (quotas.Count == 0)
        {
            // Most namespaces have no quota: nothing to charge, and no need to decode the object (a pod's decode is
            // a good part of a create).
            return false;
        }
        var typed = Decode(evaluator.Type, obj);
        var name = typed.Metadata.Name is { Length: > 0 } n ? n : typed.Metadata.GenerateName ?? "Unknown";
        var covering = new List<ResourceQuota>();
        foreach (var (quota, _) in quotas)
        {
            if (!QuotaUsage.Matches(evaluator, quota, typed))
            {
                continue;
            }
            var restricted = evaluator.MatchingResources(QuotaUsage.Hard(quota).Keys);
            if (evaluator.Constraints(restricted.ToList(), typed) is { } problem)
            {
                throw Forbidden(evaluator.Type, name, $"failed quota: {quota.Metadata.Name}: {problem}");
            }
            covering.Add(quota);
        }
        if (covering.Count == 0)
        {
            return false;
        }
        var now = _clock.GetUtcNow();
        var delta = evaluator.Usage(typed, now);
        if (ResourceLists.Negative(delta) is { Count: > 0 } negative)
        {
            throw Forbidden(evaluator.Type, name, $"quota usage is negative for resource(s): {ResourceLists.PrettyPrintNames(negative)}");
        }
        if (old is not null)
        {
            delta = ResourceLists.SubtractNonNegative(delta, evaluator.Usage(Decode(evaluator.Type, old), now));
        }
        delta = ResourceLists.RemoveZeros(delta);
        if (delta.Count == 0)
        {
            return false;
        }
        var usage = new QuotaUsage(_objects, ns);
        foreach (var quota in covering)
        {
            var hard = QuotaUsage.Hard(quota);
            var requested = ResourceLists.Mask(delta, hard.Keys);
            var used = await usage.UsedAsync(evaluator, quota, now, ct);
            var proposed = ResourceLists.Mask(ResourceLists.Add(used, requested), requested.Keys);
            var (allowed, exceeded) = ResourceLists.LessThanOrEqual(proposed, hard);
            if (!allowed)
            {
                throw Forbidden(evaluator.Type, name,
                    $"exceeded quota: {quota.Metadata.Name}, requested: {ResourceLists.PrettyPrint(ResourceLists.Mask(requested, exceeded))}, " +
                    $"used: {ResourceLists.PrettyPrint(ResourceLists.Mask(used, exceeded))}, limited: {ResourceLists.PrettyPrint(ResourceLists.Mask(hard, exceeded))}");
            }
        }
        return true;
    }

    private static KubeObject Decode(ResourceType type, JsonObject obj) =>
        KubeJson.FromNode(obj, type.ClrType) as KubeObject ?? throw ApiErrors.BadRequest($"cannot decode {type.Kind}");

    private static ApiException Forbidden(ResourceType type, string name, string message) =>
        ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: {message}");
}
