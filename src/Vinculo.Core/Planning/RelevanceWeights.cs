using System.Globalization;

namespace Vinculo.Planning;

/// <summary>
/// <c>Messaging:Weights:*</c>: how much each signal counts in <see cref="RelevanceScorer"/>.
/// </summary>
/// <remarks>
/// <see cref="Recency"/>, <see cref="Engagement"/>, <see cref="Affinity"/> and <see cref="Priority"/> are relative:
/// the score averages their components with these weights, so only their ratios matter (1, 1, 1, 1 is the same as
/// 0.25 each). <see cref="Fatigue"/> is a share instead, between 0 and 1: how much of that average a person who left
/// many messages unanswered loses (0 ignores fatigue; 1 lets it silence the person entirely).
/// </remarks>
public sealed record RelevanceWeights
{
    /// <summary>The input of a problem with the weights together rather than one of them.</summary>
    public const string WholeInput = "";

    /// <summary>Largest accepted relative weight: only ratios matter, so anything bigger is a typo.</summary>
    public const double MaxRelativeWeight = 1_000;

    /// <summary>How recently the person bought or talked to the business.</summary>
    public double Recency { get; init; } = 0.25;

    /// <summary>How much the person reads and replies to earlier messages.</summary>
    public double Engagement { get; init; } = 0.25;

    /// <summary>How well the content's category matches what the person bought.</summary>
    public double Affinity { get; init; } = 0.35;

    /// <summary>The content's own <c>priority</c>.</summary>
    public double Priority { get; init; } = 0.15;

    /// <summary>Share (0–1) of the score that unanswered messages can take away.</summary>
    public double Fatigue { get; init; } = 0.5;

    /// <summary>
    /// Every problem, each with the weight it is in (<see cref="WholeInput"/> for the four together) and a Portuguese
    /// message that starts with the wrong value; empty when valid.
    /// </summary>
    public IReadOnlyList<InputProblem> Validate()
    {
        var failures = new List<InputProblem>();
        CheckRelative(nameof(Recency), Recency);
        CheckRelative(nameof(Engagement), Engagement);
        CheckRelative(nameof(Affinity), Affinity);
        CheckRelative(nameof(Priority), Priority);
        if (!(Fatigue is >= 0 and <= 1))
        {
            failures.Add(new(nameof(Fatigue), $"'{Invariant(Fatigue)}' deve ser um número entre 0 e 1 (a parte da relevância que a fadiga pode tirar)."));
        }

        if (Recency == 0 && Engagement == 0 && Affinity == 0 && Priority == 0)
        {
            failures.Add(new(WholeInput, "Recency, Engagement, Affinity e Priority não podem ser todos zero; ao menos um deve ser positivo."));
        }

        return failures;

        void CheckRelative(string name, double value)
        {
            if (!(value is >= 0 and <= MaxRelativeWeight))
            {
                failures.Add(new(name, $"'{Invariant(value)}' deve ser um número entre 0 e {MaxRelativeWeight.ToString(CultureInfo.InvariantCulture)}."));
            }
        }
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
