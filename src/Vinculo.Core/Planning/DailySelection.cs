namespace Vinculo.Planning;

/// <summary>A message chosen for the day, rendered.</summary>
public sealed record PlannedMessage(PlanCandidate Candidate, string Body)
{
    public long ContactId => Candidate.Person.ContactId;

    public double Relevance => Candidate.Score.Total;
}

/// <summary>
/// The day's messages under <c>Messaging:DailyLimit</c>: the most relevant candidates of the whole base, ties broken
/// by the lower contact id, kept while the base streams past so that memory is bounded by the limit, not the base.
/// One message per number even if two live rows of it were both planned (rows revalidate-phones has not marked as
/// duplicates yet). A candidate is rendered only when it would enter the selection; one that cannot be rendered is
/// left out and counted, and the next best takes its place.
/// </summary>
public sealed class DailySelection(int capacity, MessageRenderer renderer)
{
    private readonly SortedSet<PlannedMessage> ordered = new(BestFirst.Instance);
    private readonly Dictionary<string, PlannedMessage> byNumber = new(StringComparer.Ordinal);

    /// <summary>Candidates that did not fit under the limit (or were pushed out by better ones).</summary>
    public long OverLimit { get; private set; }

    /// <summary>Candidates dropped because another row of the same number was planned with a better score.</summary>
    public long SameNumber { get; private set; }

    /// <summary>Candidates whose message could not be rendered, per <see cref="RenderFailure"/>.</summary>
    public SortedDictionary<string, long> RenderFailures { get; } = new(StringComparer.Ordinal);

    /// <summary>The chosen messages, best first.</summary>
    public IEnumerable<PlannedMessage> Chosen => ordered;

    public int Count => ordered.Count;

    public void Offer(PlanCandidate candidate)
    {
        if (byNumber.TryGetValue(candidate.Person.Phone, out var sameNumber))
        {
            if (BestFirst.Compare(candidate, sameNumber.Candidate) >= 0 || Render(candidate) is not { } replacement)
            {
                SameNumber++;
                return;
            }

            Remove(sameNumber);
            SameNumber++;
            Add(replacement);
            return;
        }

        if (ordered.Count < capacity)
        {
            if (Render(candidate) is { } planned)
            {
                Add(planned);
            }

            return;
        }

        if (ordered.Count == 0 || BestFirst.Compare(candidate, ordered.Max!.Candidate) >= 0)
        {
            OverLimit++;
            return;
        }

        if (Render(candidate) is { } better)
        {
            Remove(ordered.Max!);
            OverLimit++;
            Add(better);
        }
    }

    private PlannedMessage? Render(PlanCandidate candidate)
    {
        var rendered = renderer.Render(candidate.Content.Plannable.Body, candidate.Person.Name, candidate.Person.LastProduct);
        if (rendered.IsRendered)
        {
            return new PlannedMessage(candidate, rendered.Text!);
        }

        var key = rendered.Failure.ToString();
        RenderFailures[key] = RenderFailures.GetValueOrDefault(key) + 1;
        return null;
    }

    private void Add(PlannedMessage message)
    {
        ordered.Add(message);
        byNumber[message.Candidate.Person.Phone] = message;
    }

    private void Remove(PlannedMessage message)
    {
        ordered.Remove(message);
        byNumber.Remove(message.Candidate.Person.Phone);
    }

    /// <summary>Higher relevance first, then the lower contact id: a total order, the same on every run.</summary>
    private sealed class BestFirst : IComparer<PlannedMessage>
    {
        public static readonly BestFirst Instance = new();

        public static int Compare(PlanCandidate a, PlanCandidate b)
        {
            var byScore = b.Score.Total.CompareTo(a.Score.Total);
            return byScore != 0 ? byScore : a.Person.ContactId.CompareTo(b.Person.ContactId);
        }

        int IComparer<PlannedMessage>.Compare(PlannedMessage? x, PlannedMessage? y) => Compare(x!.Candidate, y!.Candidate);
    }
}
