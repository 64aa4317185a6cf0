using Microsoft.Extensions.Logging;

namespace Vinculo.Planning;

/// <summary>The planner's log lines (event ids 5000–5099). Counts and ids only: never a number, a name or a body.</summary>
internal static partial class PlanningLog
{
    [LoggerMessage(5000, LogLevel.Information, "Planned {Queued} message(s) for {SendDay}: {Eligible} of {People} people eligible, in {Elapsed}")]
    public static partial void Planned(ILogger logger, string sendDay, long queued, long eligible, long people, TimeSpan elapsed);

    [LoggerMessage(5001, LogLevel.Warning, "Content {ContentId} skipped tonight: {Problem}")]
    public static partial void ContentSkipped(ILogger logger, long contentId, string problem);
}
