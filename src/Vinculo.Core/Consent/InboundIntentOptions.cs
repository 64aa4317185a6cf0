namespace Vinculo.Consent;

/// <summary>The keywords <see cref="InboundIntentClassifier"/> listens for: the <c>Consent</c> settings it needs.</summary>
/// <remarks>
/// Null stands for the defaults of SPEC section 4 rather than the default lists themselves, because configuration
/// binding appends to a collection that is already filled: a configured list must replace the defaults, not extend them.
/// </remarks>
public sealed record InboundIntentOptions
{
    /// <summary>
    /// <c>Consent:OptOutKeywords</c>: messages that are one of these (after normalisation) revoke consent. Null means
    /// <see cref="InboundIntentClassifier.DefaultOptOutKeywords"/>.
    /// </summary>
    public IReadOnlyList<string>? OptOutKeywords { get; init; }

    /// <summary>
    /// <c>Consent:OptInKeywords</c>: messages that are one of these grant or renew consent. Null means
    /// <see cref="InboundIntentClassifier.DefaultOptInKeywords"/>.
    /// </summary>
    public IReadOnlyList<string>? OptInKeywords { get; init; }
}
