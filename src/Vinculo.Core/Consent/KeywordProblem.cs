namespace Vinculo.Consent;

/// <summary>Which keyword list of <see cref="InboundIntentOptions"/> a problem is in.</summary>
public enum KeywordList
{
    /// <summary><see cref="InboundIntentOptions.OptOutKeywords"/>.</summary>
    OptOut,

    /// <summary><see cref="InboundIntentOptions.OptInKeywords"/>.</summary>
    OptIn,
}

public enum KeywordProblemKind
{
    /// <summary>The list is given but has no keyword.</summary>
    EmptyList,

    /// <summary>A keyword is nothing once accents, punctuation and emoji are removed ("   ", "🙏!!").</summary>
    Blank,

    /// <summary>An opt-in keyword is also an opt-out one (after normalisation): it cannot ask for both.</summary>
    InBothLists,
}

/// <summary>
/// One reason a keyword list cannot be used. Says which list, what is wrong, and where: <paramref name="Index"/> is the
/// item's position for <see cref="KeywordProblemKind.Blank"/>, <paramref name="Keyword"/> the item as given (or, for
/// <see cref="KeywordProblemKind.InBothLists"/>, the keyword as normalised). Naming the setting is the caller's business.
/// </summary>
public sealed record KeywordProblem(KeywordList List, KeywordProblemKind Kind, int? Index, string? Keyword);

/// <summary>Keyword lists <see cref="InboundIntentClassifier"/> cannot work with; every problem is in <see cref="Problems"/>.</summary>
public sealed class KeywordListsException(IReadOnlyList<KeywordProblem> problems)
    : ArgumentException(Describe(problems), "options")
{
    public IReadOnlyList<KeywordProblem> Problems { get; } = problems;

    private static string Describe(IReadOnlyList<KeywordProblem> problems) =>
        "Unusable keyword lists: " + string.Join("; ", problems.Select(p => p.Kind switch
        {
            KeywordProblemKind.EmptyList => $"{p.List} list is empty",
            KeywordProblemKind.Blank => $"{p.List} item {p.Index} ('{p.Keyword}') is blank once normalised",
            _ => $"'{p.Keyword}' is in both lists",
        })) + ".";
}
