using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Batch;

/// <summary>A server whose CronJob controller runs 60 times faster: an every-minute schedule fires every second.</summary>
public sealed class CronJobFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--testing-cronjob-clock-rate", "60"];
}
