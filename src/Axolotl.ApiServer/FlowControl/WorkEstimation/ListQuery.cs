using System.Globalization;
using Axolotl.Api.Selectors;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>The list options a LIST's price depends on, read from its query string.</summary>
public sealed record ListQuery(long Limit = 0, string Continue = "", string ResourceVersion = "", string ResourceVersionMatch = "", string LabelSelector = "",
    string FieldSelector = "")
{
    /// <summary>Null when the options cannot be read (a limit that is not a number): the request will fail validation.</summary>
    public static ListQuery? From(IQueryCollection query)
    {
        var limit = 0L;
        if (query.TryGetValue("limit", out var text) && !string.IsNullOrEmpty(text.ToString()) &&
            !long.TryParse(text.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
        {
            return null;
        }
        return new ListQuery(limit, query["continue"].ToString(), query["resourceVersion"].ToString(), query["resourceVersionMatch"].ToString(),
            query["labelSelector"].ToString(), query["fieldSelector"].ToString());
    }

    /// <summary>
    /// Whether a field selector pins metadata.name (upstream's RequestInfo then names the object, and the LIST reads
    /// one object as a GET would).
    /// </summary>
    public bool MatchesSingle
    {
        get
        {
            if (FieldSelector.Length == 0)
            {
                return false;
            }
            try
            {
                return Api.Selectors.FieldSelector.Parse(FieldSelector).Requirements
                    .Any(r => r.Field == "metadata.name" && r.Operator is SelectionOperator.Equals or SelectionOperator.DoubleEquals);
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Whether kube-apiserver would answer from its watch cache rather than storage (its delegation rules, with
    /// consistent reads served from the cache as on etcd 3.4.31 and later): an exact resourceVersionMatch, a continue
    /// token, or a limit with a resourceVersion other than "0" read storage; the rest (no resourceVersion, "0",
    /// NotOlderThan) read the cache.
    /// </summary>
    public bool FromCache => ResourceVersionMatch switch
    {
        "Exact" => false,
        "NotOlderThan" => true,
        "" when Continue.Length > 0 => false,
        "" when Limit > 0 && ResourceVersion.Length > 0 && ResourceVersion != "0" => false,
        "" => true,
        _ => false,
    };
}
