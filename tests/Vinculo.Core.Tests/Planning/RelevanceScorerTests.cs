using System.Text.Json;
using CsCheck;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

public sealed class RelevanceScorerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);
    private static readonly RelevanceScorer Scorer = new(new RelevanceWeights());
    private static readonly PlannableContent Coffee = new(7, "Cafés", 0, "Olá {first_name}, chegou café novo!");
    private static readonly PlannableContent Anything = new(8, null, 0, "Novidades da semana");

    private static readonly ContactSignals Regular = new()
    {
        LastPurchaseAt = Now.AddDays(-10),
        LastInteractionAt = Now.AddDays(-3),
        PurchasesByCategory = [new("Cafés", 6, Now.AddDays(-10)), new("Chás", 2, Now.AddDays(-90))],
        MessagesSent = 8,
        MessagesRead = 6,
        MessagesReplied = 2,
    };

    private static double Days(double halfLife, double days) => Math.Pow(2, -days / halfLife);

    [Fact]
    public void Score_CombinesTheComponentsAsDocumented()
    {
        var score = Scorer.Score(Regular, Coffee, Now);

        Assert.Equal(Days(RelevanceScorer.RecencyHalfLifeDays, 3), score.Recency, 12);
        Assert.Equal((6 + 2 + 1) / 10.0, score.Engagement, 12);
        Assert.Equal(Math.Sqrt(6 / 8.0) * Days(RelevanceScorer.AffinityHalfLifeDays, 10), score.Affinity, 12);
        Assert.Equal(0, score.Fatigue);
        Assert.Equal(0.5, score.Priority, 12);
        Assert.Equal(1, score.Novelty);
        var expected = ((0.25 * score.Recency) + (0.25 * score.Engagement) + (0.35 * score.Affinity) + (0.15 * score.Priority)) / 1.0;
        Assert.Equal(expected, score.Total, 12);
    }

    [Fact]
    public void ContentAlreadySent_ScoresZero_WhateverElse()
    {
        var sent = Regular with { SentContentIds = new HashSet<long> { Coffee.ContentId } };
        var score = Scorer.Score(sent, Coffee with { Priority = 1_000 }, Now);
        Assert.Equal(0, score.Total);
        Assert.Equal(0, score.Novelty);
        Assert.True(score.Recency > 0.9, "the components still explain the person");
        Assert.True(Scorer.Score(sent, Anything, Now).Total > 0, "another content is still new");
    }

    [Fact]
    public void Affinity_FollowsWhatThePersonBought()
    {
        Assert.True(Scorer.Score(Regular, Coffee, Now).Total > Scorer.Score(Regular, Coffee with { Category = "Chás" }, Now).Total);
        Assert.Equal(0, Scorer.Score(Regular, Coffee with { Category = "Vinhos" }, Now).Affinity);
        Assert.Equal(0.5 * Days(RelevanceScorer.AffinityHalfLifeDays, 10), Scorer.Score(Regular, Anything, Now).Affinity, 12);
        Assert.Equal(Scorer.Score(Regular, Anything, Now).Affinity, Scorer.Score(Regular, Coffee with { Category = "  " }, Now).Affinity);
        Assert.True(Scorer.Score(Regular, Coffee, Now).Total > Scorer.Score(Regular, Anything, Now).Total, "the favourite category beats a content for everyone");
        Assert.Equal(0, Scorer.Score(Regular with { LastPurchaseAt = null }, Anything, Now).Affinity);
        Assert.Equal(Scorer.Score(Regular, Coffee, Now), Scorer.Score(Regular, Coffee with { Category = " cafés " }, Now));
        Assert.Equal(0, Scorer.Score(Regular with { PurchasesByCategory = [] }, Coffee, Now).Affinity);
    }

    [Fact]
    public void Affinity_AddsUpRepeatedCategoryRows()
    {
        var split = Regular with { PurchasesByCategory = [new("Cafés", 4, Now.AddDays(-40)), new("cafés", 2, Now.AddDays(-10)), new("Chás", 2, Now.AddDays(-90))] };
        Assert.Equal(Scorer.Score(Regular, Coffee, Now).Affinity, Scorer.Score(split, Coffee, Now).Affinity, 12);
    }

    [Fact]
    public void ADormantPerson_ScoresBelowTheDefaultMinimum()
    {
        var dormant = new ContactSignals { LastInteractionAt = Now.AddYears(-1), LastPurchaseAt = Now.AddYears(-2) };
        Assert.True(Scorer.Score(dormant, Anything, Now).Total < 0.35);
        Assert.True(Scorer.Score(dormant, Coffee, Now).Total < 0.35);
        Assert.True(Scorer.Score(dormant, Anything with { Priority = int.MaxValue }, Now).Total < 0.35);
        // Reads are interactions too, so someone silent for months has read none of the recent messages.
        var silentForMonths = new ContactSignals { LastInteractionAt = Now.AddDays(-150), MessagesSent = 4, UnansweredInARow = 4 };
        Assert.True(Scorer.Score(silentForMonths, Anything with { Priority = 10 }, Now).Total < 0.35);
    }

    [Fact]
    public void ANewcomer_StartsWithNeutralEngagement()
    {
        var newcomer = new ContactSignals { LastInteractionAt = Now.AddDays(-1) };
        var score = Scorer.Score(newcomer, Anything, Now);
        Assert.Equal(0.5, score.Engagement);
        Assert.True(score.Total >= 0.35, $"{score.Total}");
    }

    [Fact]
    public void Engagement_GrowsWithReadsAndReplies_AndIgnoresImpossibleCounts()
    {
        double Engagement(int sent, int read, int replied) =>
            Scorer.Score(Regular with { MessagesSent = sent, MessagesRead = read, MessagesReplied = replied }, Coffee, Now).Engagement;

        Assert.Equal(1 / 12.0, Engagement(10, 0, 0), 12);
        Assert.Equal(11 / 12.0, Engagement(10, 10, 0), 12);
        Assert.Equal(1, Engagement(10, 10, 10));
        Assert.True(Engagement(10, 5, 3) > Engagement(10, 5, 0));
        Assert.Equal(Engagement(10, 10, 10), Engagement(10, 50, 99));
        Assert.Equal(0.5, Engagement(-4, 3, 3));
    }

    [Fact]
    public void Fatigue_DampsTheScore_ByAtMostItsWeight()
    {
        double Total(int unanswered, double fatigueWeight) =>
            new RelevanceScorer(new RelevanceWeights { Fatigue = fatigueWeight }).Score(Regular with { UnansweredInARow = unanswered }, Coffee, Now).Total;

        var fresh = Total(0, 0.5);
        Assert.Equal(fresh * 0.75, Total(2, 0.5), 12);
        Assert.True(Total(20, 0.5) > fresh * 0.5);
        Assert.True(Total(5, 0.5) < Total(1, 0.5));
        Assert.Equal(fresh, Total(20, 0), 12);
        Assert.Equal(0.5, Scorer.Score(Regular with { UnansweredInARow = 2 }, Coffee, Now).Fatigue);
        Assert.Equal(0, Scorer.Score(Regular with { UnansweredInARow = -3 }, Coffee, Now).Fatigue);
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(2, 0.7311)]
    [InlineData(-2, 0.2689)]
    [InlineData(5, 0.9241)]
    [InlineData(int.MaxValue, 1)]
    [InlineData(int.MinValue, 0)]
    public void Priority_IsABoundedBoost(int priority, double expected) =>
        Assert.Equal(expected, Scorer.Score(Regular, Coffee with { Priority = priority }, Now).Priority, 4);

    [Fact]
    public void Recency_CountsFromTheLatestPurchaseOrInteraction_AndTheFutureAsNow()
    {
        Assert.Equal(0.5, Scorer.Score(new ContactSignals { LastPurchaseAt = Now.AddDays(-60), LastInteractionAt = Now.AddDays(-200) }, Anything, Now).Recency, 12);
        Assert.Equal(0.5, Scorer.Score(new ContactSignals { LastPurchaseAt = Now.AddDays(-200), LastInteractionAt = Now.AddDays(-60) }, Anything, Now).Recency, 12);
        Assert.Equal(1, Scorer.Score(new ContactSignals { LastInteractionAt = Now.AddDays(2) }, Anything, Now).Recency);
        Assert.Equal(0, Scorer.Score(new ContactSignals(), Anything, Now).Recency);
    }

    [Fact]
    public void Weights_AreRelative()
    {
        var doubled = new RelevanceScorer(new RelevanceWeights { Recency = 0.5, Engagement = 0.5, Affinity = 0.7, Priority = 0.3 });
        Assert.Equal(Scorer.Score(Regular, Coffee, Now).Total, doubled.Score(Regular, Coffee, Now).Total, 12);

        var onlyAffinity = new RelevanceScorer(new RelevanceWeights { Recency = 0, Engagement = 0, Affinity = 3, Priority = 0 });
        var score = onlyAffinity.Score(Regular, Coffee, Now);
        Assert.Equal(score.Affinity, score.Total, 12);
    }

    [Fact]
    public void ToJson_IsCompactStableAndRounded()
    {
        var score = new RelevanceScore(0.61254999, 0.5, 1.0 / 3, 0, -0.0, 0.73105857863, 1);
        Assert.Equal(
            """{"total":0.6125,"recency":0.5,"engagement":0.3333,"affinity":0,"fatigue":0,"priority":0.7311,"novelty":1,"weights":{"recency":0.25,"engagement":0.25,"affinity":0.35,"priority":0.15,"fatigue":0.5}}""",
            Scorer.ToJson(score));
    }

    [Fact]
    public void ToJson_DoesNotDependOnTheCurrentCulture()
    {
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("pt-BR");
            Assert.Contains("\"recency\":0.5,", Scorer.ToJson(new RelevanceScore(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1)), StringComparison.Ordinal);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData(nameof(RelevanceWeights.Recency), -0.1, "Recency: '-0.1'")]
    [InlineData(nameof(RelevanceWeights.Engagement), double.NaN, "Engagement: 'NaN'")]
    [InlineData(nameof(RelevanceWeights.Affinity), double.PositiveInfinity, "Affinity: 'Infinity'")]
    [InlineData(nameof(RelevanceWeights.Priority), 1_000.5, "Priority: '1000.5'")]
    [InlineData(nameof(RelevanceWeights.Fatigue), 1.5, "Fatigue: '1.5'")]
    [InlineData(nameof(RelevanceWeights.Fatigue), -1, "Fatigue: '-1'")]
    public void Weights_Validation_NamesTheWeightAndTheValue(string name, double value, string start)
    {
        var weights = name switch
        {
            nameof(RelevanceWeights.Recency) => new RelevanceWeights { Recency = value },
            nameof(RelevanceWeights.Engagement) => new RelevanceWeights { Engagement = value },
            nameof(RelevanceWeights.Affinity) => new RelevanceWeights { Affinity = value },
            nameof(RelevanceWeights.Priority) => new RelevanceWeights { Priority = value },
            _ => new RelevanceWeights { Fatigue = value },
        };
        var problem = Assert.Single(weights.Validate());
        Assert.Equal(name, problem.Input);
        Assert.StartsWith(start, problem.ToString(), StringComparison.Ordinal);
        var error = Assert.Throws<ArgumentException>(() => new RelevanceScorer(weights));
        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_Validation_RejectsAllZero_AndCollectsEveryProblem()
    {
        var allZero = new RelevanceWeights { Recency = 0, Engagement = 0, Affinity = 0, Priority = 0, Fatigue = 0 };
        Assert.Equal(
            new InputProblem(RelevanceWeights.WholeInput, "Recency, Engagement, Affinity e Priority não podem ser todos zero; ao menos um deve ser positivo."),
            Assert.Single(allZero.Validate()));

        var twoWrong = new RelevanceWeights { Recency = -1, Fatigue = double.NaN };
        Assert.Equal(2, twoWrong.Validate().Count);
        Assert.Empty(new RelevanceWeights().Validate());
        Assert.Empty(new RelevanceWeights { Recency = 0, Engagement = 0, Affinity = 0, Priority = 1, Fatigue = 0 }.Validate());
    }

    [Fact]
    public void Score_IsAlwaysBetweenZeroAndOne_NeverNaN_ForAnyInputs()
    {
        var instant = Gen.Long[DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks].Select(ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
        var anyInstant = Gen.Frequency((3, instant.Select(i => (DateTimeOffset?)i)), (1, Gen.Const((DateTimeOffset?)null)), (1, Gen.OneOf<DateTimeOffset?>(DateTimeOffset.MinValue, DateTimeOffset.MaxValue)));
        var count = Gen.Frequency((3, Gen.Int[-5, 50]), (1, Gen.Int));
        var category = Gen.OneOf("Cafés", "cafés", " Chás ", "", "Vinhos");
        var purchases = Gen.Select(category, count, instant, (c, n, at) => new CategoryPurchases(c, n, at)).Array[0, 5];
        var contact = Gen.Select(anyInstant, anyInstant, purchases, Gen.Select(count, count, count, count), Gen.Long[0, 10].Array[0, 4],
            (lastPurchase, lastInteraction, bought, counts, sentIds) => new ContactSignals
            {
                LastPurchaseAt = lastPurchase,
                LastInteractionAt = lastInteraction,
                PurchasesByCategory = bought,
                MessagesSent = counts.Item1,
                MessagesRead = counts.Item2,
                MessagesReplied = counts.Item3,
                UnansweredInARow = counts.Item4,
                SentContentIds = sentIds.ToHashSet(),
            });
        var content = Gen.Select(Gen.Long[0, 10], Gen.OneOf<string?>("Cafés", null, "Vinhos", " chás"), Gen.Int, (id, c, priority) => new PlannableContent(id, c, priority, "x"));
        var relative = Gen.Frequency((3, Gen.Double[0, 1_000]), (1, Gen.Const(0.0)));
        var weights = Gen.Select(relative, relative, relative, relative, Gen.Double[0, 1], (r, e, a, p, f) => new RelevanceWeights { Recency = r, Engagement = e, Affinity = a, Priority = p, Fatigue = f })
            .Where(w => w.Validate().Count == 0);

        Gen.Select(contact, content, weights, instant).Sample((person, message, w, now) =>
        {
            var scorer = new RelevanceScorer(w);
            var score = scorer.Score(person, message, now);
            foreach (var value in new[] { score.Total, score.Recency, score.Engagement, score.Affinity, score.Fatigue, score.Priority, score.Novelty })
            {
                Assert.False(double.IsNaN(value));
                Assert.InRange(value, 0, 1);
            }

            Assert.Equal(person.SentContentIds.Contains(message.ContentId), score.Total == 0 && score.Novelty == 0);

            using var json = JsonDocument.Parse(scorer.ToJson(score));
            Assert.Equal(
                ["total", "recency", "engagement", "affinity", "fatigue", "priority", "novelty", "weights"],
                json.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(Math.Round(score.Total, 4, MidpointRounding.AwayFromZero), json.RootElement.GetProperty("total").GetDouble());
        }, iter: 20_000);
    }
}
