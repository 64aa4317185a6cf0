using Microsoft.Extensions.Options;
using Vinculo.Jobs;

namespace Vinculo.Consent;

/// <summary>
/// <c>expire-consents</c> (SPEC section 4): a granted consent whose <c>expires_at</c> has passed, or that saw no
/// interaction, purchase or renewal for <c>Consent:MaxIdleDays</c>, becomes <c>expired</c> with one <c>expired</c>
/// event, and the contact's queued messages are cancelled. Set-based, one bounded range per transaction; running it
/// again finds nothing left to do.
/// </summary>
public sealed class ExpireConsentsJob(ConsentExpiryStore store, IOptions<ConsentOptions> options) : IVinculoJob
{
    public const string Key = JobCatalog.ExpireConsents;
    public const string DefaultCron = "0 30 2 * * ?";

    /// <summary>Granted consents looked at; how many there are is not counted (another scan of the table).</summary>
    public static readonly ProgressStep Checking = new("checking", "granted consents", "verificando", "consentimentos concedidos");

    public async Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        var idleBefore = context.Now.AddDays(-options.Value.MaxIdleDays);
        long after = 0;
        long examined = 0;
        long expired = 0;
        long cancelled = 0;
        var ranges = 0;
        while (true)
        {
            var (upto, granted) = await store.NextRangeAsync(after, options.Value.ExpireBatchSize, cancellationToken);
            if (upto is not { } last)
            {
                break;
            }

            var (rangeExpired, rangeCancelled) = await store.ExpireRangeAsync(after, last, context.Now, idleBefore, cancellationToken);
            examined += granted;
            expired += rangeExpired;
            cancelled += rangeCancelled;
            ranges++;
            after = last;
            context.Progress.Report(Checking, examined);
        }

        var detail = new Dictionary<string, object?>
        {
            ["granted_examined"] = examined,
            ["expired"] = expired,
            ["expired_by_reason"] = expired == 0 ? new SortedDictionary<string, long>() : await store.CountByReasonAsync(context.Now, cancellationToken),
            ["queued_cancelled"] = cancelled,
            ["max_idle_days"] = options.Value.MaxIdleDays,
            ["transactions"] = ranges,
        };
        return new JobResult(examined, expired, detail);
    }
}
