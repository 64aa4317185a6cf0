using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

/// <summary>The day's selection without a database: the limit, the order, one message per number, unrenderable candidates.</summary>
public sealed class DailySelectionTests
{
    private static readonly DateOnly Monday = new(2026, 11, 23);
    private static readonly DateTimeOffset At = new(2026, 11, 23, 13, 0, 0, TimeSpan.Zero);
    private static readonly PlanContent General = Content(1, "Olá {first_name}, temos novidades!");
    private static readonly PlanContent WithProduct = Content(2, "Oi {first_name}, o {product} voltou!");

    private static PlanContent Content(long id, string body) =>
        new(id, $"content {id}", new PlannableContent(id, null, 0, body), null, null, body.Contains("{product}", StringComparison.Ordinal));

    private static PlanCandidate Candidate(long contactId, double score, string? phone = null, PlanContent? content = null, string? product = "Café")
    {
        var person = new PlanPerson { ContactId = contactId, Name = "Maria", Phone = phone ?? $"+55119{contactId:D8}" };
        person.SawProduct(At.AddDays(-3), product);
        return new PlanCandidate(person, content ?? General, new RelevanceScore(score, 0, 0, 0, 0, 0, 0), At, Monday);
    }

    private static long[] Chosen(DailySelection selection) => selection.Chosen.Select(m => m.ContactId).ToArray();

    [Fact]
    public void KeepsTheMostRelevant_UnderTheLimit_TiesByTheLowerContact()
    {
        var selection = new DailySelection(3, new MessageRenderer());
        foreach (var candidate in new[] { Candidate(5, 0.5), Candidate(4, 0.9), Candidate(3, 0.5), Candidate(2, 0.1), Candidate(1, 0.7) })
        {
            selection.Offer(candidate);
        }

        Assert.Equal([4, 1, 3], Chosen(selection));
        Assert.Equal([0.9, 0.7, 0.5], selection.Chosen.Select(m => m.Relevance));
        Assert.Equal(2, selection.OverLimit);
        Assert.Equal(0, selection.SameNumber);
        Assert.StartsWith("Olá Maria, temos novidades!", selection.Chosen.First().Body, StringComparison.Ordinal);
    }

    [Fact]
    public void ALimitOfZero_ChoosesNobody()
    {
        var selection = new DailySelection(0, new MessageRenderer());
        selection.Offer(Candidate(1, 0.9));

        Assert.Empty(selection.Chosen);
        Assert.Equal(1, selection.OverLimit);
    }

    [Fact]
    public void OneMessagePerNumber_TheBetterRowWins()
    {
        var selection = new DailySelection(10, new MessageRenderer());
        selection.Offer(Candidate(1, 0.5, "+5511988887777"));
        selection.Offer(Candidate(2, 0.8, "+5511988887777"));
        selection.Offer(Candidate(3, 0.6, "+5511988887777"));

        Assert.Equal([2], Chosen(selection));
        Assert.Equal(2, selection.SameNumber);
        Assert.Equal(0, selection.OverLimit);
    }

    [Fact]
    public void AnUnrenderableCandidate_IsLeftOutAndCounted_AndTheNextBestTakesItsPlace()
    {
        var selection = new DailySelection(1, new MessageRenderer());
        selection.Offer(Candidate(1, 0.9, content: WithProduct, product: null));
        selection.Offer(Candidate(2, 0.5));

        Assert.Equal([2], Chosen(selection));
        Assert.Equal(1, selection.RenderFailures[nameof(RenderFailure.MissingProduct)]);
        Assert.Equal(0, selection.OverLimit);
    }

    [Fact]
    public void ABetterCandidate_PushesTheWorstOut()
    {
        var selection = new DailySelection(2, new MessageRenderer());
        selection.Offer(Candidate(1, 0.3));
        selection.Offer(Candidate(2, 0.4));
        selection.Offer(Candidate(3, 0.9, content: WithProduct));

        Assert.Equal([3, 2], Chosen(selection));
        Assert.StartsWith("Oi Maria, o Café voltou!", selection.Chosen.First().Body, StringComparison.Ordinal);
        Assert.Equal(1, selection.OverLimit);
    }
}
