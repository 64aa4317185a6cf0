using BenchmarkDotNet.Attributes;
using Vinculo.Planning;

namespace Vinculo.Benchmarks;

/// <summary>
/// The planner's per-person arithmetic, which plan-messages runs for every contact and content each night and which is
/// meant to allocate nothing once warm: the Allocated column must read "-" (0 bytes). Same inputs and loops as the unit
/// tests of <c>tests/Vinculo.Core.Tests/Planning</c>; figures per call.
/// </summary>
[MemoryDiagnoser]
public class PlanningBenchmarks
{
    private const int Scores = 30_000;
    private const int Slots = 10_000;
    private const int Hours = 10_000;

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Monday = new(2026, 11, 23);
    private static readonly HabitualHourOptions HourOptions = new();

    private readonly RelevanceScorer scorer = new(new RelevanceWeights());
    private readonly TimeZoneInfo[] zones = [TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo"), TimeZoneInfo.FindSystemTimeZoneById("America/Rio_Branco")];
    private ContactSignals[] contacts = [];
    private PlannableContent[] contents = [];
    private HourEvidence[] evidence = [];

    [GlobalSetup]
    public void Setup()
    {
        var regular = new ContactSignals
        {
            LastPurchaseAt = Now.AddDays(-10),
            LastInteractionAt = Now.AddDays(-3),
            PurchasesByCategory = [new("Cafés", 6, Now.AddDays(-10)), new("Chás", 2, Now.AddDays(-90))],
            MessagesSent = 8,
            MessagesRead = 6,
            MessagesReplied = 2,
        };
        var coffee = new PlannableContent(7, "Cafés", 0, "Olá {first_name}, chegou café novo!");
        contacts = [regular, regular with { SentContentIds = new HashSet<long> { 7 } }, new ContactSignals()];
        contents = [coffee, new PlannableContent(8, null, 0, "Novidades da semana"), coffee with { Category = "Chás", Priority = 3 }];
        evidence = [At(9, 10, 3), At(9, 50, 30), At(10, 5, 300), At(23, 0, 1)];
    }

    /// <summary>RelevanceScorer.Score: three people (a regular, one already sent the content, one with no history) by three contents.</summary>
    [Benchmark(OperationsPerInvoke = Scores)]
    public double Score()
    {
        var sum = 0.0;
        for (var i = 0; i < Scores; i++)
        {
            sum += scorer.Score(contacts[i % 3], contents[i / 3 % 3], Now).Total;
        }

        return sum;
    }

    /// <summary>SendWindow.Schedule with the default window, in Brazil (São Paulo and Rio Branco alternately), on the days of one week.</summary>
    [Benchmark(OperationsPerInvoke = Slots)]
    public long Schedule()
    {
        var sum = 0L;
        for (var i = 0; i < Slots; i++)
        {
            // The slot's minute of the day, plus one: used (so the call is not optimised away) and summed without overflow.
            var at = SendWindow.Default.Schedule(Monday.AddDays(i % 5), i % 24, zones[i % 2], i).At!.Value;
            sum += (at.Hour * 60) + at.Minute + 1;
        }

        return sum;
    }

    /// <summary>HabitualHour.Compute on one to four pieces of evidence.</summary>
    [Benchmark(OperationsPerInvoke = Hours)]
    public int HabitualHourCompute()
    {
        var sum = 0;
        for (var i = 0; i < Hours; i++)
        {
            sum += HabitualHour.Compute(evidence.AsSpan(0, 1 + (i % 4)), HourOptions).Hour;
        }

        return sum;
    }

    private static HourEvidence At(int hour, int minute, double ageDays) => new(new TimeOnly(hour, minute), ageDays);
}
