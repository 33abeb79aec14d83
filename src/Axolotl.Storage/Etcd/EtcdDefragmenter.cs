using Microsoft.Extensions.Logging;

namespace Axolotl.Storage.Etcd;

/// <summary>
/// Asks each member named in the endpoints for its status and defragments the ones
/// <see cref="EtcdDefragmentationPlanner"/> picks, one at a time, each with a timeout of its own (a
/// defragmentation rewrites the whole file). A member that does not answer its status is left for the next
/// tick; the others are still done. Members of the cluster that are not among the endpoints are not reached.
/// </summary>
internal sealed partial class EtcdDefragmenter(EtcdConnection connection, EtcdDefragmentationPlanner planner, TimeSpan statusTimeout, TimeSpan defragmentTimeout, ILogger log)
{
    /// <summary>One round; returns the members it defragmented, as they were before.</summary>
    public async Task<IReadOnlyList<EtcdMemberStatus>> RunAsync(CancellationToken ct)
    {
        var statuses = new List<EtcdMemberStatus>();
        foreach (var endpoint in connection.Endpoints)
        {
            try
            {
                statuses.Add(await StatusAsync(endpoint, ct));
            }
            catch (StoreUnavailableException e)
            {
                LogNoStatus(log, endpoint, e.Message);
            }
        }

        var plan = planner.Plan(statuses);
        foreach (var member in plan)
        {
            LogDefragmenting(log, member.Endpoint, member.IsLeader, member.DbSize, member.DbSizeInUse);
            await connection.CallMemberAsync(member.Endpoint, (m, o) => m.Maintenance.DefragmentAsync(new Etcdserverpb.DefragmentRequest(), o), defragmentTimeout, ct);

            var after = await StatusAsync(member.Endpoint, ct);
            LogDefragmented(log, member.Endpoint, member.DbSize, after.DbSize);
        }

        return plan;
    }

    public async Task<EtcdMemberStatus> StatusAsync(Uri endpoint, CancellationToken ct)
    {
        var answer = await connection.CallMemberAsync(endpoint, (m, o) => m.Maintenance.StatusAsync(new Etcdserverpb.StatusRequest(), o), statusTimeout, ct);
        // Ids are uint64; compared as their decimal strings.
        var memberId = answer.Header?.MemberId.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        var leader = answer.Leader.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new EtcdMemberStatus(endpoint, memberId, answer.DbSize, answer.DbSizeInUse, leader == memberId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "store: etcd member {Endpoint} did not report its status, not defragmented this round: {Reason}")]
    private static partial void LogNoStatus(ILogger log, Uri endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "store: defragmenting etcd member {Endpoint} (leader: {Leader}): {Size} bytes, {InUse} in use")]
    private static partial void LogDefragmenting(ILogger log, Uri endpoint, bool leader, long size, long inUse);

    [LoggerMessage(Level = LogLevel.Information, Message = "store: defragmented etcd member {Endpoint}: {Before} → {After} bytes")]
    private static partial void LogDefragmented(ILogger log, Uri endpoint, long before, long after);
}
